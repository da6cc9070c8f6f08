import type { FlowRun, Log } from "../schemas/index.js";

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

/** `Flow run 'name' (id) is now Running`, with the state's message when it has one. */
export function formatStateChange(run: FlowRun): string {
  const state = run.state?.name ?? run.state_type ?? "unknown";
  const message = run.state?.message ? `: ${run.state.message}` : "";
  return `Flow run '${run.name}' is ${state} (${run.state_type ?? "no state"})${message}`;
}
