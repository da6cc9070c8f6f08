import type { OrchestrationResult, StateCreate, StateType } from "@ecsflow/schemas";
import { RunAbortedError, RunCancelledError, RunCrashedError, RunTimeoutError } from "./errors.js";
import { proposeState, type ProposeFn } from "./propose-state.js";
import { resultData } from "./result-data.js";
import { retryDelaySeconds, sleep } from "./retry-delay.js";
import type { RunLogger } from "./run-logger.js";

export interface RetryOptions {
  retries?: number;
  /** Seconds before each retry: one number, or a list (retry n waits entry n, the last repeating). */
  retryDelaySeconds?: number | readonly number[];
  /** Up to this fraction of the delay is added at random (spreads retries of many runs). */
  retryJitterFactor?: number;
  timeoutSeconds?: number;
}

export interface RunAttemptsOptions<T> extends RetryOptions {
  /** "Flow run" or "Task run", for messages. */
  kind: "Flow run" | "Task run";
  logger: RunLogger;
  /** Absent without an API: the run is only local. */
  propose?: ProposeFn;
  /** Aborted by the caller: cancellation (RunCancelledError) or a crash (RunCrashedError). */
  signal: AbortSignal;
  /** One attempt; the signal is aborted on timeout or cancellation. */
  invoke(signal: AbortSignal): Promise<T>;
}

export interface RunOutcome<T> {
  value?: T;
  error?: unknown;
  finalType: StateType;
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Runs one flow or task run to a final state: RUNNING (honouring WAIT), the function with its
 * timeout, then COMPLETED with the result, or a retry, or FAILED / CANCELLED / CRASHED.
 *
 * Retries are decided the Prefect way on both sides: while the run has retries left the client
 * itself proposes AwaitingRetry (so a server without a retry rule works), and a FAILED proposal
 * that the server REJECTs with a SCHEDULED AwaitingRetry state (the server's retry rule) is
 * followed too: the client waits until its scheduled time and runs again.
 */
export async function runAttempts<T>(o: RunAttemptsOptions<T>): Promise<RunOutcome<T>> {
  const retries = o.retries ?? 0;
  for (let attempt = 1; ; attempt++) {
    if (o.propose) {
      const r = await proposeState(o.propose, { type: "RUNNING", name: "Running" }, o.signal).catch((err) => {
        throw abortReason(o.signal) ?? err;
      });
      if (r.status !== "ACCEPT") {
        throw new RunAbortedError(`${o.kind} could not start: the API answered ${r.status}${reasonOf(r)} (its state is ${r.state?.type ?? "unknown"}).`);
      }
    }
    let value: T;
    try {
      value = await invokeWithTimeout(o, attempt);
    } catch (err) {
      const stop = abortReason(o.signal) ?? (err instanceof RunCancelledError || err instanceof RunCrashedError ? err : undefined);
      if (stop instanceof RunCancelledError) {
        o.logger.info(`${o.kind} cancelled: ${stop.message}`);
        await finalState(o, { type: "CANCELLED", name: "Cancelled", message: stop.message });
        return { error: stop, finalType: "CANCELLED" };
      }
      if (stop instanceof RunCrashedError) {
        o.logger.error(`${o.kind} crashed: ${stop.message}`);
        await finalState(o, { type: "CRASHED", name: "Crashed", message: stop.message });
        return { error: stop, finalType: "CRASHED" };
      }
      const timedOut = err instanceof RunTimeoutError;
      const message = timedOut ? (err as Error).message : `${o.kind} encountered an exception: ${describeError(err)}`;
      o.logger.error(timedOut ? message : `${message}\n${err instanceof Error && err.stack ? err.stack : ""}`.trimEnd());
      if (attempt <= retries) {
        const delay = retryDelaySeconds(o.retryDelaySeconds, attempt, o.retryJitterFactor);
        const scheduled = Date.now() + delay * 1000;
        o.logger.info(`Received non-final state 'AwaitingRetry' when proposing final state 'Failed'; retry ${attempt} of ${retries} in ${delay.toFixed(1)} s.`);
        if (o.propose) await proposeState(o.propose, { type: "SCHEDULED", name: "AwaitingRetry", message, state_details: { scheduled_time: iso(scheduled) } }, o.signal).catch(swallowUnlessAborted(o.signal));
        if (await waitOrStop(o, scheduled)) continue;
        return stopped(o);
      }
      const failed: StateCreate = { type: "FAILED", name: timedOut ? "TimedOut" : "Failed", message };
      if (o.propose) {
        const r = await proposeState(o.propose, failed, o.signal).catch(() => undefined);
        if (r?.status === "REJECT" && r.state?.type === "SCHEDULED") {
          const at = Date.parse(r.state.state_details.scheduled_time ?? "") || Date.now();
          o.logger.info(`Received non-final state '${r.state.name ?? "Scheduled"}' when proposing final state 'Failed'; the server asks for a retry.`);
          if (await waitOrStop(o, at)) continue;
          return stopped(o);
        }
      }
      return { error: err, finalType: "FAILED" };
    }
    await finalState(o, { type: "COMPLETED", name: "Completed", data: resultData(value) });
    return { value, finalType: "COMPLETED" };
  }
}

async function invokeWithTimeout<T>(o: RunAttemptsOptions<T>, attempt: number): Promise<T> {
  const own = new AbortController();
  const signal = AbortSignal.any([o.signal, own.signal]);
  let timer: NodeJS.Timeout | undefined;
  // The function may ignore its signal; the run still ends when it times out or is cancelled.
  const stopped = new Promise<never>((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    signal.addEventListener("abort", () => reject(signal.reason), { once: true });
  });
  stopped.catch(() => undefined);
  if (o.timeoutSeconds && o.timeoutSeconds > 0) {
    timer = setTimeout(() => own.abort(new RunTimeoutError(`${o.kind} exceeded timeout of ${o.timeoutSeconds} second(s) (attempt ${attempt}).`)), o.timeoutSeconds * 1000);
  }
  try {
    const running = Promise.resolve().then(() => o.invoke(signal));
    running.catch(() => undefined);
    return await Promise.race([running, stopped]);
  } finally {
    if (timer) clearTimeout(timer);
  }
}

async function finalState<T>(o: RunAttemptsOptions<T>, state: StateCreate): Promise<void> {
  if (!o.propose) return;
  try {
    const r = await proposeState(o.propose, state);
    if (r.status !== "ACCEPT") o.logger.warning(`The API answered ${r.status}${reasonOf(r)} to ${state.name}; the run is ${r.state?.type ?? "unknown"}.`);
  } catch (err) {
    o.logger.error(`Could not report the final state ${state.name}: ${describeError(err)}`);
  }
}

/** Sleeps until `at`; false when the run was cancelled or crashed meanwhile. */
async function waitOrStop<T>(o: RunAttemptsOptions<T>, at: number): Promise<boolean> {
  try {
    await sleep(Math.max(0, at - Date.now()), o.signal);
    return true;
  } catch {
    return false;
  }
}

async function stopped<T>(o: RunAttemptsOptions<T>): Promise<RunOutcome<T>> {
  const reason = abortReason(o.signal) ?? new RunCancelledError(`${o.kind} was stopped.`);
  if (reason instanceof RunCrashedError) {
    await finalState(o, { type: "CRASHED", name: "Crashed", message: reason.message });
    return { error: reason, finalType: "CRASHED" };
  }
  await finalState(o, { type: "CANCELLED", name: "Cancelled", message: reason.message });
  return { error: reason, finalType: "CANCELLED" };
}

function abortReason(signal: AbortSignal): Error | undefined {
  if (!signal.aborted) return undefined;
  const r: unknown = signal.reason;
  if (r instanceof RunCancelledError || r instanceof RunCrashedError) return r;
  // By name too: the executor and a flow file may hold different copies of the SDK.
  const message = r instanceof Error ? r.message : "The run was aborted.";
  return (r as Error | undefined)?.name === "RunCrashedError" ? new RunCrashedError(message) : new RunCancelledError(message);
}

const swallowUnlessAborted = (signal: AbortSignal) => (err: unknown) => {
  if (signal.aborted) throw abortReason(signal);
  void err;
};

function reasonOf(r: OrchestrationResult): string {
  const reason = "reason" in r.details ? r.details.reason : null;
  return reason ? ` (${reason})` : "";
}

export function describeError(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  return String(err);
}
