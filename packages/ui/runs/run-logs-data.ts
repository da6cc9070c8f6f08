import { readFlowRunLogs } from "../api/logs";

/** The primed key of a run's first page of logs at every level (what the run page shows first). */
export const firstLogsKey = (flowRunId: string) => `run-logs:${flowRunId}`;

export const loadFirstLogs = (flowRunId: string, signal?: AbortSignal) => readFlowRunLogs(flowRunId, { minLevel: 0, offset: 0 }, signal);
