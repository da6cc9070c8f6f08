import type { Command } from "commander";
import { registerFlowRunCancel } from "./cancel.js";
import { registerFlowRunExecute } from "./execute.js";
import { registerFlowRunInspect } from "./inspect.js";
import { registerFlowRunLogs } from "./logs.js";
import { registerFlowRunLs } from "./ls.js";
import { registerFlowRunRetry } from "./retry.js";

export function registerFlowRun(program: Command): Command {
  const flowRun = program.command("flow-run").description("List, inspect, follow, cancel, retry and execute flow runs (by id, or by name when unique)");
  registerFlowRunLs(flowRun);
  registerFlowRunInspect(flowRun);
  registerFlowRunLogs(flowRun);
  registerFlowRunCancel(flowRun);
  registerFlowRunRetry(flowRun);
  registerFlowRunExecute(flowRun);
  return flowRun;
}
