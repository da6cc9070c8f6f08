import { readFlowRun, readFlowRunStates } from "../api/flow-runs";
import { readTaskRunsOfFlowRun } from "../api/task-runs";

/** useApi's key for the run detail's data, which the route prefetch primes under the same key. */
export const runDetailKey = (id: string) => `run-detail:${id}`;

/** The run, its state history and its task runs: what the run detail page needs to show anything. */
export async function loadRunDetail(id: string, signal?: AbortSignal) {
  const [run, states, taskRuns] = await Promise.all([readFlowRun(id, signal), readFlowRunStates(id, signal), readTaskRunsOfFlowRun(id, signal)]);
  return { run, states, taskRuns };
}

export type RunDetail = Awaited<ReturnType<typeof loadRunDetail>>;
