import type { Command } from "commander";
import type { WorkQueueUpdate } from "@ecsflow/schemas";
import { clientFromSettings } from "../../client-from-settings.js";
import { CliError } from "../../errors.js";
import { ExitCode } from "../../exit-codes.js";
import { orNotFound } from "../../or-not-found.js";
import { createOutput } from "../../output.js";
import { parseInteger } from "../../parse-integer.js";
import { queueHint, queueWhat, withQueueOptions, type QueueFlags } from "./queue-options.js";

interface UpdateFlags extends QueueFlags {
  description?: string;
  priority?: string;
  concurrencyLimit?: string;
  clearConcurrencyLimit?: boolean;
}

export function registerWorkQueueUpdate(parent: Command): void {
  withQueueOptions(
    parent
      .command("update")
      .description("Change a queue's description, priority or concurrency limit (only what you pass changes)")
      .argument("<name>", "queue name")
      .option("--description <text>", "new description")
      .option("--priority <n>", "new priority (1 is served first)")
      .option("--concurrency-limit <n>", "at most this many runs of the queue at once")
      .option("--clear-concurrency-limit", "remove the concurrency limit"),
  ).action(async (name: string, flags: UpdateFlags) => {
    const out = createOutput(Boolean(flags.json));
    if (flags.concurrencyLimit !== undefined && flags.clearConcurrencyLimit) throw new CliError("Pass either --concurrency-limit or --clear-concurrency-limit, not both.", ExitCode.Usage);
    const patch: WorkQueueUpdate = {
      ...(flags.description !== undefined ? { description: flags.description } : {}),
      ...(flags.priority !== undefined ? { priority: parseInteger(flags.priority, "--priority", 1) } : {}),
      ...(flags.concurrencyLimit !== undefined ? { concurrency_limit: parseInteger(flags.concurrencyLimit, "--concurrency-limit") } : {}),
      ...(flags.clearConcurrencyLimit ? { concurrency_limit: null } : {}),
    };
    if (Object.keys(patch).length === 0) throw new CliError("Nothing to update: pass --description, --priority, --concurrency-limit or --clear-concurrency-limit.", ExitCode.Usage);
    const client = clientFromSettings(flags);
    await orNotFound(client.updateWorkQueue(flags.pool, name, patch), queueWhat(name, flags.pool), queueHint(flags.pool));
    const queue = await client.readWorkQueue(flags.pool, name);
    out.result(queue, () => out.info(`Updated work queue "${name}" of work pool "${flags.pool}" (${Object.keys(patch).join(", ")}).`));
  });
}
