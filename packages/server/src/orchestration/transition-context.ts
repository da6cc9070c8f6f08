import type { Kysely } from "kysely";
import type { OrchestrationResult, SetStateStatus, State, StateDetails, StateType } from "@ecsflow/schemas";
import type { DB, Engine, FlowRunTable, TaskRunTable } from "../database/index.js";
import { DEFAULT_ORCHESTRATION_SETTINGS, type OrchestrationSettings } from "./orchestration-settings.js";

/**
 * A write that must commit together with the transition or not at all (a concurrency slot taken,
 * a cache entry). The writer runs it inside the transition's transaction, after the run's state
 * was written; returning false undoes the transition, which is then decided again on fresh data.
 */
export type TransitionSideEffect = (trx: Kysely<DB>, engine: Engine) => Promise<boolean>;

export type RunKind = "flow_run" | "task_run";

/**
 * The run columns set_state reads: what the rules, the bookkeeping (run-bookkeeping.ts) and the
 * run event look at. Reading only these, not the whole row (parameters, job variables, context…),
 * keeps the hottest read small; a rule that needs another column adds it here.
 */
const SHARED_RULE_COLUMNS = [
  "id",
  "state_id",
  "state",
  "run_count",
  "empirical_policy",
  "start_time",
  "end_time",
  "total_run_time",
  "expected_start_time",
  "next_scheduled_start_time",
] as const;
export const FLOW_RUN_RULE_COLUMNS = [
  ...SHARED_RULE_COLUMNS,
  "deployment_id",
  "infrastructure_pid",
  "parent_task_run_id",
  "work_pool_name",
  "work_queue_name",
] as const satisfies readonly (keyof FlowRunTable)[];
export const TASK_RUN_RULE_COLUMNS = [...SHARED_RULE_COLUMNS, "flow_run_id", "tags"] as const satisfies readonly (keyof TaskRunTable)[];

/** A run as the rules see it (a whole row will do too). */
export type RunRow = Pick<FlowRunTable, (typeof FLOW_RUN_RULE_COLUMNS)[number]> | Pick<TaskRunTable, (typeof TASK_RUN_RULE_COLUMNS)[number]>;

/**
 * The run's deployment's concurrency settings, read in the same statement as the run (a join),
 * so the common path pays no extra query for the deployment-concurrency rule.
 */
export interface RunDeploymentLimits {
  concurrencyLimit: number | null;
  collisionStrategy: "ENQUEUE" | "CANCEL_NEW";
}

/** A state the client (or a rule) proposes; it gets its id and timestamp only when it is written. */
export interface ProposedState {
  type: StateType;
  name: string;
  message: string | null;
  data: unknown;
  state_details: StateDetails;
}

/**
 * One proposed transition as the rules see it: the run as read, its current state, the proposed
 * state, and the verdict so far. Rules change the verdict only through `reject`, `abort`, `wait`
 * and `rename`, so each reads as one decision (as Prefect's rule classes do).
 */
export class TransitionContext {
  status: SetStateStatus = "ACCEPT";
  details: OrchestrationResult["details"] = { type: "accept_details" };
  /**
   * Run columns a rule wants written together with the new state, in the same compare-and-set
   * update (for example a task run's `flow_run_run_count`). Discarded if the state is not written.
   */
  readonly runUpdates: Record<string, unknown> = {};
  /** The run's deployment's concurrency limit, if it has a deployment (flow runs only). */
  deployment: RunDeploymentLimits | null = null;
  /**
   * Set by the deployment-concurrency rule when the transition takes a slot: the writer then
   * re-counts the deployment's active runs inside the write and refuses it if it would exceed the limit.
   */
  slotLimit: { deploymentId: string; limit: number } | null = null;
  settings: OrchestrationSettings = DEFAULT_ORCHESTRATION_SETTINGS;
  /**
   * Writes to commit with the transition, each given the state about to be written (which may no
   * longer be the type the rule saw, so it can decline with null).
   */
  readonly writeEffects: ((next: State) => TransitionSideEffect | null)[] = [];

  constructor(
    readonly kind: RunKind,
    readonly run: RunRow,
    readonly initialState: State | null,
    public proposedState: ProposedState | null,
    /** The time of the request, in milliseconds; rules compare against this, not the clock. */
    readonly now: number,
    /** For rules that need to read other rows; writes belong in `runUpdates`. */
    readonly db: Kysely<DB>,
  ) {}

  get initialType(): StateType | null {
    return this.initialState?.type ?? null;
  }

  get proposedType(): StateType | null {
    return this.proposedState?.type ?? null;
  }

  /**
   * Refuses the proposed state. With a state, that state is written instead (Prefect: e.g.
   * FAILED becomes AwaitingRetry); with null, nothing is written and the current state is returned.
   */
  reject(state: ProposedState | null, reason: string): void {
    if (state === null && this.initialState === null) {
      throw new Error("A transition of a run without a state can only be rejected in favour of another state.");
    }
    this.proposedState = state;
    this.status = "REJECT";
    this.details = { type: "reject_details", reason };
  }

  /** Refuses the transition for good: nothing is written, and the client should not retry it. */
  abort(reason: string): void {
    this.proposedState = null;
    this.status = "ABORT";
    this.details = { type: "abort_details", reason };
  }

  /** Nothing is written now; the client should propose the same state again after `delaySeconds`. */
  wait(delaySeconds: number, reason: string): void {
    this.proposedState = null;
    this.status = "WAIT";
    this.details = { type: "wait_details", delay_seconds: delaySeconds, reason };
  }

  /** Registers a write to commit with the transition (see `writeEffects`). */
  onWrite(effect: (next: State) => TransitionSideEffect | null): void {
    this.writeEffects.push(effect);
  }

  /** Renames the proposed state without changing its type. */
  rename(name: string): void {
    if (this.proposedState) this.proposedState.name = name;
  }
}
