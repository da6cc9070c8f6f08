import type { Command } from "commander";
import { clientFromSettings } from "../../client-from-settings.js";
import { CliError } from "../../errors.js";
import { ExitCode } from "../../exit-codes.js";
import { createOutput } from "../../output.js";
import { asCliErrors, awsConnection, confirm, withAwsFlags, type AwsFlags } from "./aws-flags.js";

interface TeardownFlags extends AwsFlags {
  pool: string;
  cluster?: string;
}

const COLUMNS = [
  { key: "resource", header: "RESOURCE" },
  { key: "name", header: "NAME" },
  { key: "action", header: "ACTION" },
  { key: "detail", header: "DETAIL" },
];

export function registerTeardown(parent: Command): void {
  withAwsFlags(
    parent
      .command("teardown")
      .description("Remove what `ecsflow ecs provision` created for a pool (only resources it tagged; what you brought is kept)")
      .requiredOption("--pool <name>", "work pool name given to provision")
      .option("--cluster <name>", "ECS cluster (default: the pool template's cluster, else ecsflow-<pool>)"),
  ).action(async (flags: TeardownFlags) => {
    const out = createOutput(Boolean(flags.json));
    const { teardown } = await import("@ecsflow/provision");
    const base = { pool: flags.pool, cluster: flags.cluster, connection: awsConnection(flags), api: clientFromSettings(flags) };
    await asCliErrors(async () => {
      if (!flags.dryRun && !flags.yes) {
        const plan = await teardown({ ...base, dryRun: true });
        out.table(plan as unknown as Record<string, unknown>[], COLUMNS);
        if (!plan.some((e) => e.action === "delete")) return out.info("Nothing to remove.");
        if (!(await confirm("Delete these resources?"))) throw new CliError("Nothing removed.", ExitCode.Rejected);
      }
      const removed = await teardown({ ...base, dryRun: Boolean(flags.dryRun) });
      out.result({ dryRun: Boolean(flags.dryRun), resources: removed }, () => {
        out.table(removed as unknown as Record<string, unknown>[], COLUMNS);
        const n = removed.filter((e) => e.action === "delete").length;
        out.info(flags.dryRun ? `Dry run: ${n} resource(s) would be deleted.` : `Done: ${n} resource(s) deleted.`);
      });
    });
  });
}
