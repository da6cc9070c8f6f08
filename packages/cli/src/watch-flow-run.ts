import type { EcsflowClient } from "@ecsflow/client";
import { sleep } from "@ecsflow/client";
import { TERMINAL_STATE_TYPES, type FlowRun, type Log, type State } from "@ecsflow/schemas";

export interface WatchFlowRunOptions {
  /** Called with each state the run enters (its history first), once each. */
  onState?: (state: State, run: FlowRun) => void;
  /** Called with each log line of the run, once each. */
  onLog?: (log: Log) => void;
  /** Called with the run after every poll (e.g. to say that no worker has taken it yet). */
  onPoll?: (run: FlowRun) => void;
  /** Give up after this long (the run keeps going). */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Polls are quick after a change and slow down to `maxPollMs` while nothing happens. */
  minPollMs?: number;
  maxPollMs?: number;
}

export class WatchTimeoutError extends Error {
  override readonly name = "WatchTimeoutError";
  constructor(readonly run: FlowRun) {
    super(`Stopped watching flow run '${run.name}' (${run.id}) at the timeout; it is still ${run.state_type ?? "without a state"} and keeps going.`);
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

type Event = { at: string; emit: () => void };

/**
 * Follows a flow run by polling the API until it reaches a final state, reporting every state it
 * enters (from its state history, so quick transitions between two polls are not lost) and every
 * log line, merged in time order; then returns the final run. After the final state, one more
 * read picks up the log lines sent last.
 */
export async function watchFlowRun(client: EcsflowClient, runId: string, options: WatchFlowRunOptions = {}): Promise<FlowRun> {
  const minPoll = options.minPollMs ?? 250;
  const maxPoll = options.maxPollMs ?? 2_000;
  const deadline = options.timeoutMs === undefined ? Infinity : Date.now() + options.timeoutMs;
  const seenLogs = new Set<string>();
  const seenStates = new Set<string>();
  let newestLog = "";
  let lastStateId: string | null | undefined = undefined;
  let pause = minPoll;

  const newLogs = async (): Promise<Event[]> => {
    const onLog = options.onLog;
    if (!onLog) return [];
    const after = newestLog ? new Date(Date.parse(newestLog) - LATE_LOG_WINDOW_MS).toISOString() : undefined;
    const events: Event[] = [];
    for (let offset = 0; ; offset += PAGE) {
      const page = await client.filterLogs({
        logs: { flow_run_id: { any_: [runId] }, ...(after ? { timestamp: { after_: after } } : {}) },
        sort: "TIMESTAMP_ASC",
        limit: PAGE,
        offset,
      });
      for (const log of page) {
        if (seenLogs.has(log.id)) continue;
        seenLogs.add(log.id);
        if (log.timestamp > newestLog) newestLog = log.timestamp;
        events.push({ at: log.timestamp, emit: () => onLog(log) });
      }
      if (page.length < PAGE) return events;
    }
  };

  const newStates = async (run: FlowRun): Promise<Event[]> => {
    const onState = options.onState;
    if (!onState || run.state_id === lastStateId) return [];
    lastStateId = run.state_id;
    const history = await client.readFlowRunStates(runId);
    return history.filter((s) => !seenStates.has(s.id)).map((s) => (seenStates.add(s.id), { at: s.timestamp, emit: () => onState(s, run) }));
  };

  const emit = (events: Event[]) => {
    events.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0)).forEach((e) => e.emit());
    return events.length > 0;
  };

  for (;;) {
    const run = await client.readFlowRun(runId);
    const changed = emit([...(await newStates(run)), ...(await newLogs())]);
    options.onPoll?.(run);
    if (isFinal(run)) {
      emit(await newLogs());
      return run;
    }
    if (Date.now() >= deadline) throw new WatchTimeoutError(run);
    pause = changed ? minPoll : Math.min(maxPoll, pause * 2);
    await sleep(Math.min(pause, Math.max(0, deadline - Date.now())), options.signal);
  }
}
