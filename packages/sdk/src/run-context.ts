import { AsyncLocalStorage } from "node:async_hooks";
import type { ApiSession } from "./api-session.js";
import { createRunLogger, type RunLogger } from "./run-logger.js";

/** What a flow run in progress shares with the tasks and subflows it calls. */
export interface FlowRunScope {
  kind: "flow";
  flowName: string;
  /** Undefined when running without an API. */
  flowRunId?: string;
  session?: ApiSession;
  logger: RunLogger;
  signal: AbortSignal;
  /** Calls per task key, for each task run's `dynamic_key` (Prefect numbers them 0, 1, 2, …). */
  taskCounts: Map<string, number>;
}

export interface TaskRunScope {
  kind: "task";
  taskName: string;
  taskRunId?: string;
  flow: FlowRunScope;
  logger: RunLogger;
  signal: AbortSignal;
}

export type RunScope = FlowRunScope | TaskRunScope;

/**
 * The run the current async call chain belongs to. Kept on `globalThis` under a registered
 * symbol so that two copies of the SDK (the executor's and a project's own install) share it.
 */
const STORAGE_KEY = Symbol.for("ecsflow.sdk.run-scope");
const holder = globalThis as unknown as Record<symbol, AsyncLocalStorage<RunScope> | undefined>;
export const runScopeStorage: AsyncLocalStorage<RunScope> = (holder[STORAGE_KEY] ??= new AsyncLocalStorage<RunScope>());

export function currentScope(): RunScope | undefined {
  return runScopeStorage.getStore();
}

export function currentFlowScope(): FlowRunScope | undefined {
  const s = currentScope();
  return s?.kind === "flow" ? s : s?.flow;
}

let localLogger: RunLogger | undefined;

/** The logger of the flow or task run in progress; outside any run, a local console logger. */
export function getRunLogger(): RunLogger {
  const s = currentScope();
  if (s) return s.logger;
  localLogger ??= createRunLogger({ name: "ecsflow", label: "ecsflow" });
  return localLogger;
}

export interface RunContext {
  flowRunId?: string;
  taskRunId?: string;
  /** Aborted when the run times out or is cancelled: pass it to fetch, timers, child processes. */
  signal: AbortSignal;
  logger: RunLogger;
}

/** The run in progress (for a task: its own signal and logger), or undefined outside any run. */
export function getRunContext(): RunContext | undefined {
  const s = currentScope();
  if (!s) return undefined;
  if (s.kind === "flow") return { flowRunId: s.flowRunId, signal: s.signal, logger: s.logger };
  return { flowRunId: s.flow.flowRunId, taskRunId: s.taskRunId, signal: s.signal, logger: s.logger };
}
