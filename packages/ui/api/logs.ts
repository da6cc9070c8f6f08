import { apiRequest } from "./api-client";
import type { LogEntry } from "./types";

export const LOG_PAGE_SIZE = 200;

/** Logs of one run at or above a level, oldest first, optionally only those at or after a time. */
export const readFlowRunLogs = (flowRunId: string, options: { minLevel: number; after?: string; offset?: number; limit?: number }, signal?: AbortSignal) =>
  apiRequest<LogEntry[]>(
    "POST",
    "/logs/filter",
    {
      logs: {
        flow_run_id: { any_: [flowRunId] },
        ...(options.minLevel > 0 ? { level: { ge_: options.minLevel } } : {}),
        ...(options.after ? { timestamp: { after_: options.after } } : {}),
      },
      sort: "TIMESTAMP_ASC",
      limit: options.limit ?? LOG_PAGE_SIZE,
      offset: options.offset ?? 0,
    },
    { signal },
  );
