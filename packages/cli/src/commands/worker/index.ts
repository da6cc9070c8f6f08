import type { Command } from "commander";
import { registerWorkerLs } from "./ls.js";
import { registerWorkerStart } from "./start.js";

export function registerWorker(program: Command): void {
  const worker = program.command("worker").description("Run a worker that polls a work pool and starts infrastructure for each flow run");
  registerWorkerStart(worker);
  registerWorkerLs(worker);
}
