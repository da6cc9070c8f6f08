import type { Command } from "commander";
import { clientFromSettings } from "../../client-from-settings.js";
import { orNotFound } from "../../or-not-found.js";
import { createOutput } from "../../output.js";
import { printDetails } from "../../print-details.js";
import { queueHint, queueWhat, withQueueOptions, type QueueFlags } from "./queue-options.js";

export function registerWorkQueueInspect(parent: Command): void {
  withQueueOptions(parent.command("inspect").description("Show a work queue").argument("<name>", "queue name")).action(async (name: string, flags: QueueFlags) => {
    const queue = await orNotFound(clientFromSettings(flags).readWorkQueue(flags.pool, name), queueWhat(name, flags.pool), queueHint(flags.pool));
    await printDetails(createOutput(Boolean(flags.json)), queue);
  });
}
