import type { Command } from "commander";
import { clientFromSettings } from "../../client-from-settings.js";
import { orNotFound } from "../../or-not-found.js";
import { createOutput } from "../../output.js";
import { withQueueOptions, type QueueFlags } from "./queue-options.js";

export function registerWorkQueueLs(parent: Command): void {
  withQueueOptions(parent.command("ls").description("List the queues of a work pool, by priority")).action(async (flags: QueueFlags) => {
    const out = createOutput(Boolean(flags.json));
    const queues = await orNotFound(clientFromSettings(flags).filterWorkQueues(flags.pool, {}), `Work pool "${flags.pool}"`, "Run `ecsflow work-pool ls` to see the work pools.");
    out.result(queues, () =>
      out.table(
        queues.map((q) => ({
          name: q.name,
          priority: q.priority,
          status: q.status ?? "",
          paused: q.is_paused ? "yes" : "",
          concurrency: q.concurrency_limit ?? "",
          last_polled: q.last_polled ?? "",
        })),
        [
          { key: "name", header: "NAME" },
          { key: "priority", header: "PRIORITY" },
          { key: "status", header: "STATUS" },
          { key: "paused", header: "PAUSED" },
          { key: "concurrency", header: "CONCURRENCY LIMIT" },
          { key: "last_polled", header: "LAST POLLED" },
        ],
      ),
    );
  });
}
