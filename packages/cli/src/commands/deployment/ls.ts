import type { Command } from "commander";
import { withApiOptions, type ApiFlags } from "../../api-options.js";
import { clientFromSettings } from "../../client-from-settings.js";
import { createOutput } from "../../output.js";
import { parseInteger } from "../../parse-integer.js";

interface LsFlags extends ApiFlags {
  flow?: string;
  pool?: string;
  limit: string;
}

export function registerDeploymentLs(parent: Command): void {
  withApiOptions(
    parent
      .command("ls")
      .description("List deployments")
      .option("--flow <name>", "only this flow's deployments")
      .option("-p, --pool <name>", "only deployments of this work pool")
      .option("--limit <n>", "at most this many (max 200)", "200"),
  ).action(async (flags: LsFlags) => {
    const out = createOutput(Boolean(flags.json));
    const client = clientFromSettings(flags);
    const deployments = await client.filterDeployments({
      ...(flags.flow ? { flows: { name: { any_: [flags.flow] } } } : {}),
      ...(flags.pool ? { work_pools: { name: { any_: [flags.pool] } } } : {}),
      sort: "NAME_ASC",
      limit: parseInteger(flags.limit, "--limit", 1),
    });
    const flowIds = [...new Set(deployments.map((d) => d.flow_id))];
    const flows = flowIds.length ? await client.filterFlows({ flows: { id: { any_: flowIds } } }) : [];
    const flowName = new Map(flows.map((f) => [f.id, f.name]));
    out.result(deployments, () =>
      out.table(
        deployments.map((d) => ({
          name: `${flowName.get(d.flow_id) ?? d.flow_id}/${d.name}`,
          pool: d.work_pool_name ?? "",
          queue: d.work_queue_name ?? "",
          paused: d.paused ? "yes" : "",
          schedules: d.schedules.length || "",
          id: d.id,
        })),
        [
          { key: "name", header: "FLOW/DEPLOYMENT" },
          { key: "pool", header: "WORK POOL" },
          { key: "queue", header: "QUEUE" },
          { key: "paused", header: "PAUSED" },
          { key: "schedules", header: "SCHEDULES" },
          { key: "id", header: "ID" },
        ],
      ),
    );
  });
}
