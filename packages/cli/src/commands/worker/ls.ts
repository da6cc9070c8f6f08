import type { Command } from "commander";
import type { Worker } from "@ecsflow/schemas";
import { withApiOptions, type ApiFlags } from "../../api-options.js";
import { clientFromSettings } from "../../client-from-settings.js";
import { orNotFound } from "../../or-not-found.js";
import { createOutput } from "../../output.js";

interface LsFlags extends ApiFlags {
  pool?: string;
}

export function registerWorkerLs(parent: Command): void {
  withApiOptions(
    parent
      .command("ls")
      .description("List the workers that have polled a work pool (all pools without --pool), with their last heartbeat")
      .option("-p, --pool <name>", "only this work pool's workers"),
  ).action(async (flags: LsFlags) => {
    const out = createOutput(Boolean(flags.json));
    const client = clientFromSettings(flags);
    const pools = flags.pool ? [flags.pool] : (await client.filterWorkPools({})).map((p) => p.name);
    const rows: (Worker & { work_pool_name: string })[] = [];
    for (const pool of pools) {
      const workers = await orNotFound(client.filterWorkers(pool, {}), `Work pool "${pool}"`, "Run `ecsflow work-pool ls` to see the work pools.");
      rows.push(...workers.map((w) => ({ ...w, work_pool_name: pool })));
    }
    out.result(rows, () =>
      out.table(
        rows.map((w) => ({ name: w.name, pool: w.work_pool_name, status: w.status, heartbeat: w.last_heartbeat_time ?? "" })),
        [
          { key: "name", header: "NAME" },
          { key: "pool", header: "WORK POOL" },
          { key: "status", header: "STATUS" },
          { key: "heartbeat", header: "LAST HEARTBEAT" },
        ],
      ),
    );
  });
}
