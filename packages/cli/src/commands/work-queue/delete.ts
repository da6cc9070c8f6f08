import type { Command } from "commander";
import { clientFromSettings } from "../../client-from-settings.js";
import { orNotFound } from "../../or-not-found.js";
import { createOutput } from "../../output.js";
import { queueHint, queueWhat, withQueueOptions, type QueueFlags } from "./queue-options.js";

export function registerWorkQueueDelete(parent: Command): void {
  withQueueOptions(parent.command("delete").description("Delete a work queue (a pool's default queue cannot be deleted)").argument("<name>", "queue name")).action(
    async (name: string, flags: QueueFlags) => {
      const out = createOutput(Boolean(flags.json));
      await orNotFound(clientFromSettings(flags).deleteWorkQueue(flags.pool, name), queueWhat(name, flags.pool), queueHint(flags.pool));
      out.result({ deleted: "work_queue", work_pool: flags.pool, name }, () => out.info(`Deleted work queue "${name}" of work pool "${flags.pool}".`));
    },
  );
}
