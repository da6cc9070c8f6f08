import { apiRequest } from "./api-client";
import type { TaskRun } from "./types";

export const readTaskRunsOfFlowRun = (flowRunId: string, signal?: AbortSignal) =>
  apiRequest<TaskRun[]>(
    "POST",
    "/task_runs/filter",
    { task_runs: { flow_run_id: { any_: [flowRunId] } }, sort: "EXPECTED_START_TIME_ASC", limit: 200 },
    { signal },
  );
