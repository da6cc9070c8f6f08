import type { Command } from "commander";
import type { WorkPoolUpdate } from "@ecsflow/schemas";
import { withApiOptions, type ApiFlags } from "../../api-options.js";
import { clientFromSettings } from "../../client-from-settings.js";
import { CliError } from "../../errors.js";
import { ExitCode } from "../../exit-codes.js";
import { orNotFound } from "../../or-not-found.js";
import { createOutput } from "../../output.js";
import { parseInteger } from "../../parse-integer.js";
import { POOL_HINT } from "./describe-pool.js";
import { readTemplateFile } from "./read-template-file.js";

interface UpdateFlags extends ApiFlags {
  description?: string;
  baseJobTemplate?: string;
  concurrencyLimit?: string;
  clearConcurrencyLimit?: boolean;
}

export function registerWorkPoolUpdate(parent: Command): void {
  withApiOptions(
    parent
      .command("update")
      .description("Change a work pool's description, base job template or concurrency limit (only what you pass changes)")
      .argument("<name>", "work pool name")
      .option("--description <text>", "new description")
      .option("--base-job-template <file>", "JSON file with the new base job template")
      .option("--concurrency-limit <n>", "at most this many runs of the pool at once")
      .option("--clear-concurrency-limit", "remove the concurrency limit"),
  ).action(async (name: string, flags: UpdateFlags) => {
    const out = createOutput(Boolean(flags.json));
    if (flags.concurrencyLimit !== undefined && flags.clearConcurrencyLimit) throw new CliError("Pass either --concurrency-limit or --clear-concurrency-limit, not both.", ExitCode.Usage);
    const patch: WorkPoolUpdate = {
      ...(flags.description !== undefined ? { description: flags.description } : {}),
      ...(flags.baseJobTemplate !== undefined ? { base_job_template: readTemplateFile(flags.baseJobTemplate) } : {}),
      ...(flags.concurrencyLimit !== undefined ? { concurrency_limit: parseInteger(flags.concurrencyLimit, "--concurrency-limit") } : {}),
      ...(flags.clearConcurrencyLimit ? { concurrency_limit: null } : {}),
    };
    if (Object.keys(patch).length === 0) throw new CliError("Nothing to update: pass --description, --base-job-template, --concurrency-limit or --clear-concurrency-limit.", ExitCode.Usage);
    const client = clientFromSettings(flags);
    await orNotFound(client.updateWorkPool(name, patch), `Work pool "${name}"`, POOL_HINT);
    const pool = await client.readWorkPool(name);
    out.result(pool, () => out.info(`Updated work pool "${name}" (${Object.keys(patch).join(", ")}).`));
  });
}
