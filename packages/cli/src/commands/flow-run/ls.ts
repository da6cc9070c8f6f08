import type { Command } from "commander";
import { STATE_TYPES, type StateType } from "@ecsflow/schemas";
import { withApiOptions, type ApiFlags } from "../../api-options.js";
import { clientFromSettings } from "../../client-from-settings.js";
import { CliError } from "../../errors.js";
import { ExitCode } from "../../exit-codes.js";
import { createOutput } from "../../output.js";
import { collect } from "../../parse-key-value.js";
import { parseInteger } from "../../parse-integer.js";
import { resolveDeployment } from "../deployment/resolve-deployment.js";

interface LsFlags extends ApiFlags {
  flowName?: string[];
  state?: string[];
  stateType?: string[];
  deployment?: string;
  pool?: string;
  limit: string;
}

export function registerFlowRunLs(parent: Command): void {
  withApiOptions(
    parent
      .command("ls")
      .description("List recent flow runs, newest expected start first")
      .option("--flow-name <name>", "only runs of this flow (repeatable)", collect)
      .option("--state <name>", "only runs whose state has this name, e.g. Late (repeatable)", collect)
      .option("--state-type <type>", `only runs of this state type: ${STATE_TYPES.join(", ")} (repeatable)`, collect)
      .option("-d, --deployment <deployment>", "only runs of this deployment (FLOW/DEPLOYMENT or id)")
      .option("-p, --pool <name>", "only runs of this work pool")
      .option("--limit <n>", "at most this many (max 200)", "15"),
  ).action(async (flags: LsFlags) => {
    const out = createOutput(Boolean(flags.json));
    const types = (flags.stateType ?? []).map((t) => t.toUpperCase());
    const bad = types.find((t) => !(STATE_TYPES as readonly string[]).includes(t));
    if (bad) throw new CliError(`--state-type "${bad}" is not a state type; use one of ${STATE_TYPES.join(", ")}.`, ExitCode.Usage);
    const limit = parseInteger(flags.limit, "--limit", 1);
    const client = clientFromSettings(flags);
    const deployment = flags.deployment ? await resolveDeployment(client, flags.deployment) : undefined;
    const state = {
      ...(types.length ? { type: { any_: types as StateType[] } } : {}),
      ...(flags.state?.length ? { name: { any_: flags.state } } : {}),
    };
    const runs = await client.filterFlowRuns({
      ...(flags.flowName?.length ? { flows: { name: { any_: flags.flowName } } } : {}),
      ...(flags.pool ? { work_pools: { name: { any_: [flags.pool] } } } : {}),
      flow_runs: {
        ...(Object.keys(state).length ? { state } : {}),
        ...(deployment ? { deployment_id: { any_: [deployment.id] } } : {}),
      },
      sort: "EXPECTED_START_TIME_DESC",
      limit,
    });
    if (out.json) return out.result(runs, () => undefined);
    const flowIds = [...new Set(runs.map((r) => r.flow_id))];
    const flows = flowIds.length ? await client.filterFlows({ flows: { id: { any_: flowIds } } }) : [];
    const flowName = new Map(flows.map((f) => [f.id, f.name]));
    out.table(
      runs.map((r) => ({
        id: r.id,
        flow: flowName.get(r.flow_id) ?? r.flow_id,
        name: r.name,
        state: r.state?.name ?? r.state_type ?? "",
        when: (r.state_type === "SCHEDULED" ? r.state?.state_details.scheduled_time : r.state?.timestamp) ?? r.expected_start_time ?? "",
      })),
      [
        { key: "id", header: "ID" },
        { key: "flow", header: "FLOW" },
        { key: "name", header: "NAME" },
        { key: "state", header: "STATE" },
        { key: "when", header: "WHEN" },
      ],
    );
  });
}
