import type { Command } from "commander";
import { withApiOptions, type ApiFlags } from "../../api-options.js";
import { clientFromSettings } from "../../client-from-settings.js";
import { CliError } from "../../errors.js";
import { ExitCode } from "../../exit-codes.js";
import { createOutput } from "../../output.js";
import type { CostSummaryRow } from "@ecsflow/schemas";

const GROUPS = { deployment: "deployment", "work-pool": "work_pool" } as const;

/** `ecsflow cost --by deployment|work-pool`: the ECS cost of the runs, summed per deployment or pool. */
export function registerCost(program: Command): void {
  withApiOptions(
    program
      .command("cost")
      .description("ECS cost of flow runs, summed per deployment or work pool (US dollars, from the server's prices table)")
      .option("--by <group>", "deployment or work-pool", "deployment")
      .option("--since <time>", "only runs whose task stopped at or after this ISO-8601 time"),
  ).action(async (flags: ApiFlags & { by: string; since?: string }) => {
    const out = createOutput(Boolean(flags.json));
    const group = GROUPS[flags.by as keyof typeof GROUPS];
    if (!group) throw new CliError(`--by must be deployment or work-pool, not "${flags.by}".`, ExitCode.Usage);
    const query = new URLSearchParams({ group_by: group, ...(flags.since ? { since: flags.since } : {}) });
    const rows = await clientFromSettings(flags).request<CostSummaryRow[]>("GET", `/ecsflow/costs?${query}`);
    out.result(rows, () =>
      out.table(
        rows.map((r) => ({ name: r.name ?? "(none)", runs: r.runs, priced: r.priced_runs, hours: (r.billed_seconds / 3600).toFixed(2), cost: `$${r.cost_usd.toFixed(4)}` })),
        [
          { key: "name", header: flags.by === "deployment" ? "DEPLOYMENT" : "WORK POOL" },
          { key: "runs", header: "RUNS" },
          { key: "priced", header: "PRICED" },
          { key: "hours", header: "TASK HOURS" },
          { key: "cost", header: "COST (USD)" },
        ],
      ),
    );
  });
}
