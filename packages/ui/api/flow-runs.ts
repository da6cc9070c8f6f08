import { apiRequest } from "./api-client";
import type { FlowRun, HistoryInterval, JsonObject, OrchestrationResult, State, StateType } from "./types";

/** The filter part of a `/flow_runs/filter` or `/flow_runs/count` body (Prefect's shapes). */
export type FlowRunQuery = JsonObject;

export type FlowRunSort = "ID_DESC" | "START_TIME_ASC" | "START_TIME_DESC" | "EXPECTED_START_TIME_ASC" | "EXPECTED_START_TIME_DESC" | "NAME_ASC" | "NAME_DESC" | "END_TIME_DESC";

export const readFlowRuns = (query: FlowRunQuery, page: { sort?: FlowRunSort; limit: number; offset?: number }, signal?: AbortSignal) =>
  apiRequest<FlowRun[]>("POST", "/flow_runs/filter", { ...query, ...page }, { signal });

export const countFlowRuns = (query: FlowRunQuery, signal?: AbortSignal) => apiRequest<number>("POST", "/flow_runs/count", query, { signal });

export const readFlowRun = (id: string, signal?: AbortSignal) => apiRequest<FlowRun>("GET", `/flow_runs/${encodeURIComponent(id)}`, undefined, { signal });

export const readFlowRunStates = (id: string, signal?: AbortSignal) =>
  apiRequest<State[]>("GET", `/flow_run_states/?flow_run_id=${encodeURIComponent(id)}`, undefined, { signal });

export const setFlowRunState = (id: string, type: StateType, name: string, message: string) =>
  apiRequest<OrchestrationResult>("POST", `/flow_runs/${encodeURIComponent(id)}/set_state`, { state: { type, name, message } });

export const readFlowRunHistory = (body: { history_start: string; history_end: string; history_interval_seconds: number } & FlowRunQuery, signal?: AbortSignal) =>
  apiRequest<HistoryInterval[]>("POST", "/flow_runs/history", body, { signal });
