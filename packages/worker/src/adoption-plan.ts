// Which infrastructure a restarted worker adopts for each of its pool's unfinished runs: the id the
// run recorded, else the one the infrastructure lists for it (started, but the worker died before
// recording it). Pure: the worker does the calls.

import type { FlowRun } from "@ecsflow/schemas";
import type { StartedInfrastructure } from "./infrastructure/infrastructure.js";

export interface AdoptionCandidate {
  flowRun: FlowRun;
  /** null: nothing recorded nor listed (the launch may never have happened). */
  infrastructurePid: string | null;
  /** The id was found by listing, not recorded on the run: the worker records it. */
  found: boolean;
}

/** Runs whose state is still open after a worker restart (claimed, running, or being cancelled). */
export const ADOPTABLE_STATE_TYPES = ["PENDING", "RUNNING", "CANCELLING"] as const;

export function planAdoption(runs: readonly FlowRun[], started: readonly StartedInfrastructure[]): AdoptionCandidate[] {
  const byRun = new Map<string, StartedInfrastructure>();
  for (const s of started) {
    const known = byRun.get(s.flowRunId);
    // Prefer what is still running, then the latest attempt.
    if (!known || rank(s) > rank(known)) byRun.set(s.flowRunId, s);
  }
  return runs
    .filter((r) => (ADOPTABLE_STATE_TYPES as readonly string[]).includes(r.state_type ?? ""))
    .map((flowRun) => {
      if (flowRun.infrastructure_pid) return { flowRun, infrastructurePid: flowRun.infrastructure_pid, found: false };
      const listed = byRun.get(flowRun.id);
      return { flowRun, infrastructurePid: listed?.infrastructurePid ?? null, found: listed !== undefined };
    });
}

function rank(s: StartedInfrastructure): number {
  return (s.running ? 1_000_000 : 0) + (s.attempt ?? 0);
}
