import type { EcsflowClient } from "../client/index.js";
import { TERMINAL_STATE_TYPES, type FlowRun, type Log } from "../schemas/index.js";

export interface WatchFlowRunOptions {
  /** Called with the run each time its state changes (and once at the start). */
  onState?: (run: FlowRun) => void;
  /** Called with each new log line of the run, in timestamp order, once each. */
  onLog?: (log: Log) => void;
  /** Give up after this long (the run keeps going). */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** First and longest pause between polls: polls are quick after a change and slow down while nothing happens. */
  minPollMs?: number;
  maxPollMs?: number;
}

export class WatchTimeoutError extends Error {
  override readonly name = "WatchTimeoutError";
  constructor(readonly run: FlowRun) {
    super(`Stopped watching flow run ${run.id} after the timeout; it is still ${run.state_type ?? "without a state"}.`);
  }
}

/**
 * Logs can arrive late and out of timestamp order (workers and flows send them in batches), so
 * each poll re-reads a window before the newest timestamp seen and skips ids already shown.
 */
const LATE_LOG_WINDOW_MS = 60_000;
const PAGE = 200;

export function isFinal(run: FlowRun): boolean {
  return run.state_type !== null && TERMINAL_STATE_TYPES.includes(run.state_type);
}

/**
 * Follows a flow run by polling the API until it reaches a final state: reports state changes and
 * new logs as they appear, then returns the final run. After the final state one more read of the
 * logs picks up the lines sent last.
 */
export async function watchFlowRun(client: EcsflowClient, runId: string, options: WatchFlowRunOptions = {}): Promise<FlowRun> {
  const minPoll = options.minPollMs ?? 250;
  const maxPoll = options.maxPollMs ?? 2_000;
  const deadline = options.timeoutMs === undefined ? Infinity : Date.now() + options.timeoutMs;
  const seen = new Set<string>();
  let newest = "";
  let lastStateId: string | null | undefined = undefined;
  let pause = minPoll;

  const readNewLogs = async (): Promise<boolean> => {
    if (!options.onLog) return false;
    const after = newest ? new Date(Date.parse(newest) - LATE_LOG_WINDOW_MS).toISOString() : undefined;
    let any = false;
    for (let offset = 0; ; offset += PAGE) {
      const page = await client.filterLogs({
        logs: { flow_run_id: { any_: [runId] }, ...(after ? { timestamp: { after_: after } } : {}) },
        sort: "TIMESTAMP_ASC",
        limit: PAGE,
        offset,
      });
      for (const log of page) {
        if (seen.has(log.id)) continue;
        seen.add(log.id);
        any = true;
        if (log.timestamp > newest) newest = log.timestamp;
        options.onLog(log);
      }
      if (page.length < PAGE) break;
    }
    return any;
  };

  for (;;) {
    const run = await client.readFlowRun(runId);
    let changed = false;
    if (run.state_id !== lastStateId) {
      lastStateId = run.state_id;
      changed = true;
      options.onState?.(run);
    }
    if (await readNewLogs()) changed = true;
    if (isFinal(run)) {
      await readNewLogs();
      return run;
    }
    if (Date.now() >= deadline) throw new WatchTimeoutError(run);
    pause = changed ? minPoll : Math.min(maxPoll, pause * 2);
    await sleep(Math.min(pause, Math.max(0, deadline - Date.now())), options.signal);
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(resolve, ms);
    signal?.addEventListener(
      "abort",
      () => {
        clearTimeout(t);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}
