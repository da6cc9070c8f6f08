import type { Command } from "commander";
import { withApiOptions, type ApiFlags } from "../../api-options.js";
import { clientFromSettings } from "../../client-from-settings.js";
import { createOutput } from "../../output.js";
import { parseInteger } from "../../parse-integer.js";
import { readTemplateFile } from "./read-template-file.js";

interface CreateFlags extends ApiFlags {
  type: string;
  description?: string;
  baseJobTemplate?: string;
  concurrencyLimit?: string;
  paused?: boolean;
}

export function registerWorkPoolCreate(parent: Command): void {
  withApiOptions(
    parent
      .command("create")
      .description("Create a work pool (with its queue \"default\"); without --base-job-template it gets its type's default template")
      .argument("<name>", "work pool name")
      .option("-t, --type <type>", "worker type: ecs or process", "process")
      .option("--description <text>", "description")
      .option("--base-job-template <file>", "JSON file with the base job template ({job_configuration, variables})")
      .option("--concurrency-limit <n>", "at most this many runs of the pool at once")
      .option("--paused", "create it paused (workers get no runs until `work-pool resume`)"),
  ).action(async (name: string, flags: CreateFlags) => {
    const out = createOutput(Boolean(flags.json));
    const client = clientFromSettings(flags);
    const pool = await client.createWorkPool({
      name,
      type: flags.type,
      ...(flags.description !== undefined ? { description: flags.description } : {}),
      ...(flags.baseJobTemplate !== undefined ? { base_job_template: readTemplateFile(flags.baseJobTemplate) } : {}),
      ...(flags.concurrencyLimit !== undefined ? { concurrency_limit: parseInteger(flags.concurrencyLimit, "--concurrency-limit") } : {}),
      ...(flags.paused ? { is_paused: true } : {}),
    });
    out.result(pool, () => out.info(`Created work pool "${pool.name}" (type ${pool.type}${pool.is_paused ? ", paused" : ""}).\nStart a worker for it: ecsflow worker start --pool ${pool.name}`));
  });
}
