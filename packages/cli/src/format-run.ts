import type { FlowRun, Log, State } from "@ecsflow/schemas";

const LEVELS: [number, string][] = [
  [50, "CRITICAL"],
  [40, "ERROR"],
  [30, "WARNING"],
  [20, "INFO"],
  [10, "DEBUG"],
];

/** Python logging's level names, which Prefect's log levels are. */
export function levelName(level: number): string {
  return LEVELS.find(([n]) => level >= n)?.[1] ?? `LEVEL${level}`;
}

/** `2026-11-29 06:01:28.123 | INFO     | message`, as Prefect's `flow-run logs` prints. */
export function formatLog(log: Log): string {
  const ts = log.timestamp.replace("T", " ").slice(0, 23);
  return `${ts} | ${levelName(log.level).padEnd(8)} | ${log.message}`;
}

/** `2026-11-29 06:01:28.123 | Flow run 'name' is Running (RUNNING)`, with the state's message when it has one. */
export function formatStateChange(state: State, run: FlowRun): string {
  const ts = state.timestamp.replace("T", " ").slice(0, 23);
  const message = state.message ? `: ${state.message}` : "";
  return `${ts} | Flow run '${run.name}' is ${state.name ?? state.type} (${state.type})${message}`;
}
