import type { Command } from "commander";
import { clientFromSettings } from "../../client-from-settings.js";
import { orNotFound } from "../../or-not-found.js";
import { createOutput } from "../../output.js";
import { parseInteger } from "../../parse-integer.js";
import { withQueueOptions, type QueueFlags } from "./queue-options.js";

interface CreateFlags extends QueueFlags {
  description?: string;
  priority?: string;
  concurrencyLimit?: string;
  paused?: boolean;
}

export function registerWorkQueueCreate(parent: Command): void {
  withQueueOptions(
    parent
      .command("create")
      .description("Create a queue in a work pool")
      .argument("<name>", "queue name")
      .option("--description <text>", "description")
      .option("--priority <n>", "1 is served first (default: the pool's next free priority)")
      .option("--concurrency-limit <n>", "at most this many runs of the queue at once")
      .option("--paused", "create it paused"),
  ).action(async (name: string, flags: CreateFlags) => {
    const out = createOutput(Boolean(flags.json));
    const body = {
      name,
      ...(flags.description !== undefined ? { description: flags.description } : {}),
      ...(flags.priority !== undefined ? { priority: parseInteger(flags.priority, "--priority", 1) } : {}),
      ...(flags.concurrencyLimit !== undefined ? { concurrency_limit: parseInteger(flags.concurrencyLimit, "--concurrency-limit") } : {}),
      ...(flags.paused ? { is_paused: true } : {}),
    };
    const queue = await orNotFound(clientFromSettings(flags).createWorkQueue(flags.pool, body), `Work pool "${flags.pool}"`, "Run `ecsflow work-pool ls` to see the work pools.");
    out.result(queue, () => out.info(`Created work queue "${queue.name}" in work pool "${flags.pool}" (priority ${queue.priority}).`));
  });
}
