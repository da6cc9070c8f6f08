import type { State } from "@ecsflow/schemas";

/** What the demo's breakdown is read from: the run's state history and its ECS task's timestamps. */
export interface TimingInput {
  /** The run's creation time (API). */
  created: string;
  /** The run's state history, oldest first. */
  states: Pick<State, "type" | "timestamp">[];
  /** DescribeTasks' view of the run's task, when the run got one. */
  task?: { createdAt?: Date; startedAt?: Date };
}

export interface TimingStep {
  step: string;
  /** ISO time, or undefined when the run never got there. */
  at?: string;
  /** Milliseconds since the step before that happened. */
  sincePreviousMs?: number;
  /** Milliseconds since the run was created. */
  sinceCreatedMs?: number;
}

const firstOf = (states: TimingInput["states"], type: string) => states.find((s) => s.type === type)?.timestamp;
const lastOf = (states: TimingInput["states"], type: string) => states.findLast((s) => s.type === type)?.timestamp;

/**
 * created → PENDING (a worker claimed it) → ECS task created (RunTask) → task RUNNING (its process
 * started) → flow RUNNING (the executor reported in) → the final state. Every time is one the
 * system recorded, none measured here, so the figures are the same read back later.
 */
export function timingBreakdown(input: TimingInput): TimingStep[] {
  const final = [...input.states].reverse().find((s) => ["COMPLETED", "FAILED", "CRASHED", "CANCELLED"].includes(s.type));
  const points: [string, string | undefined][] = [
    ["created", input.created],
    ["PENDING (worker claimed the run)", firstOf(input.states, "PENDING")],
    ["ECS task created (RunTask)", input.task?.createdAt?.toISOString()],
    ["ECS task RUNNING (process started)", input.task?.startedAt?.toISOString()],
    // The worker may set RUNNING first, when it sees the task run; the last RUNNING is the flow's own.
    ["flow RUNNING (its code started)", lastOf(input.states, "RUNNING")],
    [final ? final.type : "COMPLETED", final?.timestamp],
  ];
  const start = Date.parse(input.created);
  let previous: number | undefined;
  return points.map(([step, at]) => {
    if (at === undefined) return { step };
    const t = Date.parse(at);
    const row = { step, at, sincePreviousMs: previous === undefined ? 0 : t - previous, sinceCreatedMs: t - start };
    previous = t;
    return row;
  });
}

/** The breakdown as aligned lines for a terminal. */
export function formatTimingBreakdown(steps: TimingStep[]): string[] {
  const width = Math.max(...steps.map((s) => s.step.length));
  const ms = (n: number | undefined) => (n === undefined ? "" : `${n >= 0 ? "+" : ""}${n} ms`);
  return steps.map((s) =>
    s.at === undefined ? `  ${s.step.padEnd(width)}  (not reached)` : `  ${s.step.padEnd(width)}  ${ms(s.sincePreviousMs).padStart(10)}   ${String(s.sinceCreatedMs).padStart(6)} ms since created`,
  );
}
