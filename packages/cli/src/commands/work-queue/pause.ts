import type { Command } from "commander";
import { clientFromSettings } from "../../client-from-settings.js";
import { orNotFound } from "../../or-not-found.js";
import { createOutput } from "../../output.js";
import { queueHint, queueWhat, withQueueOptions, type QueueFlags } from "./queue-options.js";

function registerPausedSetter(parent: Command, verb: "pause" | "resume"): void {
  const paused = verb === "pause";
  withQueueOptions(
    parent
      .command(verb)
      .description(paused ? "Pause a work queue: workers get none of its runs until it is resumed" : "Resume a paused work queue")
      .argument("<name>", "queue name"),
  ).action(async (name: string, flags: QueueFlags) => {
    const out = createOutput(Boolean(flags.json));
    const client = clientFromSettings(flags);
    await orNotFound(client.updateWorkQueue(flags.pool, name, { is_paused: paused }), queueWhat(name, flags.pool), queueHint(flags.pool));
    const queue = await client.readWorkQueue(flags.pool, name);
    out.result(queue, () => out.info(`${paused ? "Paused" : "Resumed"} work queue "${name}" of work pool "${flags.pool}".`));
  });
}

export const registerWorkQueuePause = (parent: Command) => registerPausedSetter(parent, "pause");
export const registerWorkQueueResume = (parent: Command) => registerPausedSetter(parent, "resume");
