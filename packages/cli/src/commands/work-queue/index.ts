import type { Command } from "commander";
import { registerWorkQueueCreate } from "./create.js";
import { registerWorkQueueDelete } from "./delete.js";
import { registerWorkQueueInspect } from "./inspect.js";
import { registerWorkQueueLs } from "./ls.js";
import { registerWorkQueuePause, registerWorkQueueResume } from "./pause.js";
import { registerWorkQueueUpdate } from "./update.js";

export function registerWorkQueue(program: Command): void {
  const queue = program.command("work-queue").description("Create and manage the queues of a work pool (priority, concurrency, pause)");
  registerWorkQueueCreate(queue);
  registerWorkQueueLs(queue);
  registerWorkQueueInspect(queue);
  registerWorkQueueUpdate(queue);
  registerWorkQueuePause(queue);
  registerWorkQueueResume(queue);
  registerWorkQueueDelete(queue);
}
