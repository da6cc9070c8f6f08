import type { Command } from "commander";
import { registerFlowRunExecute } from "./execute.js";

// Minimal on the sdk branch: only `execute`. The CLI branch owns this file (ls, inspect, …).
export function registerFlowRun(program: Command): void {
  const flowRun = program.command("flow-run").description("Work with flow runs");
  registerFlowRunExecute(flowRun);
}
