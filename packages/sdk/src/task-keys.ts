import type { FlowRunScope } from "./run-context.js";

/** The next `dynamic_key` for a task key within a flow run: "0", "1", … in call order. */
export function nextDynamicKey(flow: FlowRunScope, taskKey: string): string {
  const n = flow.taskCounts.get(taskKey) ?? 0;
  flow.taskCounts.set(taskKey, n + 1);
  return String(n);
}
