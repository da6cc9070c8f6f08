import type { OrchestrationResult, State, StateCreate } from "@ecsflow/schemas";
import type { Database } from "../database/index.js";
import { QueryTemplateCache } from "../database/query-template.js";
import { ObjectNotFoundError, ServiceUnavailableError } from "../errors.js";
import { parseJson, toJson } from "../models/shared/json-columns.js";
import { corePolicy, universalTransforms } from "./core-policy.js";
import { applyPolicy, type OrchestrationRule } from "./orchestration-rule.js";
import { materializeState, proposedStateFrom } from "./proposed-state.js";
import { transitionColumns } from "./run-bookkeeping.js";
import { orchestrationSettingsFor } from "./orchestration-settings.js";
import { FLOW_RUN_RULE_COLUMNS, TASK_RUN_RULE_COLUMNS, TransitionContext, type RunDeploymentLimits, type RunKind, type RunRow, type TransitionSideEffect } from "./transition-context.js";
import { writeTransition } from "./transition-writer.js";
import { runEventFrom, runEventsFor } from "../events/run-events.js";
import { recordTransition } from "../metrics/record-transition.js";
import { traceSetState, type SetStateTrace } from "../tracing/flow-run-spans.js";
import { enqueueNotifications } from "../notifications/enqueue-notifications.js";

export interface SetRunStateOptions {
  kind: RunKind;
  runId: string;
  state: StateCreate;
  /** Skip the orchestration rules (bookkeeping still applies), as Prefect's `force`. */
  force?: boolean;
  /** The rules to apply; the core policy of the run's kind unless a test says otherwise. */
  policy?: readonly OrchestrationRule[];
  /**
   * A precondition (ecsflow's `orchestration_parameters.expected_state_type`): the proposal is
   * aborted unless the run is in this state type when it is decided. A worker uses it to show
   * RUNNING for a command that never talks to the API, without overtaking the run's own states.
   */
  expectedStateType?: string;
  /** A write of the caller's to commit with the transition or not at all (see TransitionContext.onWrite). */
  onWrite?: (next: State) => TransitionSideEffect | null;
}

// Each failed compare-and-set means another request moved the run on; a run has only a handful
// of transitions, so running out of attempts means something is badly wrong, not busy.
const MAX_ATTEMPTS = 25;

const LABEL = { flow_run: "Flow run", task_run: "Task run" } as const;

/** A state row for the history table. */
export function stateHistoryRow(runId: string, state: State) {
  return {
    id: state.id,
    created: state.timestamp,
    updated: state.timestamp,
    run_id: runId,
    type: state.type,
    name: state.name ?? state.type,
    timestamp: state.timestamp,
    message: state.message,
    state_details: toJson(state.state_details),
    data: state.data === null || state.data === undefined ? null : toJson(state.data),
  };
}

const readRunQueries = new QueryTemplateCache<"id", Record<string, unknown>>();

/**
 * Reads the run's rule columns and, for a flow run, its deployment's concurrency settings in the
 * same statement.
 */
async function readRun(database: Database, kind: RunKind, runId: string): Promise<{ run: RunRow; deployment: RunDeploymentLimits | null } | undefined> {
  const query = readRunQueries.get(database, kind, (db, param) =>
    kind === "task_run"
      ? db.selectFrom("task_run").select(TASK_RUN_RULE_COLUMNS).where("id", "=", param("id"))
      : db
          .selectFrom("flow_run")
          .leftJoin("deployment", "deployment.id", "flow_run.deployment_id")
          .select(FLOW_RUN_RULE_COLUMNS.map((column) => `flow_run.${column}` as const))
          .select(["deployment.concurrency_limit as deployment_concurrency_limit", "deployment.concurrency_options as deployment_concurrency_options"])
          .where("flow_run.id", "=", param("id")),
  );
  const row = (await database.db.executeQuery(query.bind({ id: runId }))).rows[0];
  if (!row) return undefined;
  // The row is the run as it is (copying it without the two deployment columns cost more than
  // they do riding along; nothing writes the run object back).
  const run = row as unknown as RunRow;
  const limit = row.deployment_concurrency_limit;
  if (kind === "task_run" || limit === null || limit === undefined) return { run, deployment: null };
  const strategy = parseJson<{ collision_strategy?: string } | null>(row.deployment_concurrency_options as string | null, null)?.collision_strategy;
  return { run, deployment: { concurrencyLimit: Number(limit), collisionStrategy: strategy === "CANCEL_NEW" ? "CANCEL_NEW" : "ENQUEUE" } };
}

/**
 * Proposes a state for a run and returns Prefect's OrchestrationResult. The run is read, the
 * rules decide, and an accepted (or replacing) state is written with a compare-and-set on the
 * run's current state id, in one short transaction with its history row (transition-writer.ts).
 * If another request changed the state in between (another worker claiming the same run, on
 * this server or another), nothing is written and the decision is made again on the new state: so of racing
 * SCHEDULED → PENDING proposals exactly one is accepted, on any engine and any number of servers.
 */
export async function setRunState(database: Database, options: SetRunStateOptions): Promise<OrchestrationResult> {
  const trace = options.kind === "flow_run" ? traceSetState(options.runId) : undefined;
  if (!trace) return decideRunState(database, options, undefined);
  let result: OrchestrationResult;
  try {
    result = await decideRunState(database, options, trace);
  } catch (err) {
    trace.fail(err);
    throw err;
  }
  trace.finish(result, options.state.type);
  return result;
}

async function decideRunState(database: Database, options: SetRunStateOptions, trace: SetStateTrace | undefined): Promise<OrchestrationResult> {
  const { kind, runId } = options;
  const policy = options.force ? [] : (options.policy ?? corePolicy(kind));
  const settings = orchestrationSettingsFor(database);
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const read = await readRun(database, kind, runId);
    if (!read) throw new ObjectNotFoundError(`${LABEL[kind]} with id ${runId} not found`);
    const { run, deployment } = read;
    const current = parseJson<State | null>(run.state, null);
    trace?.decidedOn(run, current?.type ?? null);
    const now = Date.now();
    const context = new TransitionContext(kind, run, current, proposedStateFrom(options.state, now), now, database.db);
    context.deployment = deployment;
    context.settings = settings;
    if (options.expectedStateType !== undefined && (current?.type ?? null) !== options.expectedStateType) {
      const reason = `The run is ${current?.type ?? "without a state"}, not ${options.expectedStateType} as the proposal required.`;
      return { state: current, status: "ABORT", details: { type: "abort_details", reason } };
    }
    await applyPolicy(policy, context);
    if (options.onWrite) context.onWrite(options.onWrite);
    if (context.proposedState === null) {
      return { state: current, status: context.status, details: context.details };
    }
    for (const transform of universalTransforms(kind)) await transform.beforeWrite(context);
    const next = materializeState(kind, run, context.proposedState, current, now);
    const sideEffects = context.writeEffects.map((effect) => effect(next)).filter((effect) => effect !== null);
    // Rule updates first, so the bookkeeping counts from them (a new attempt's run_count of 0 becomes 1 on RUNNING).
    const columns = { ...context.runUpdates, ...transitionColumns(kind, { ...run, ...context.runUpdates } as RunRow, current, next) };
    const written = await writeTransition(database, {
      kind,
      runId,
      expectedStateId: run.state_id,
      columns,
      historyRow: stateHistoryRow(runId, next),
      slotLimit: context.slotLimit ?? undefined,
      sideEffects,
    });
    if (written) {
      recordTransition(database, kind, run, current?.type ?? null, next.type, now);
      // Built only when someone listens: set_state is the server's hottest path.
      const events = runEventsFor(database);
      if (events.active) events.publish(runEventFrom(kind, { ...run, ...columns } as never, next.timestamp));
      if (kind === "flow_run") queueNotifications(database, run, next);
      return { state: next, status: context.status, details: context.details };
    }
  }
  throw new ServiceUnavailableError(`${LABEL[kind]} ${runId} changed state ${MAX_ATTEMPTS} times while a transition was decided; try again.`);
}

/** After the commit, never awaited: notifications must not slow or fail a transition. */
function queueNotifications(database: Database, run: RunRow, state: State): void {
  const row = run as { id: string; deployment_id?: string | null; work_pool_name?: string | null };
  enqueueNotifications(database, { runId: row.id, deploymentId: row.deployment_id ?? null, workPoolName: row.work_pool_name ?? null, state }).catch(() => {
    // Lost only if the database fails right after the transition committed; the delivery
    // service logs its own failures, and a notification is a hint, not a record.
  });
}

/**
 * The first state of a new run (Prefect sets it with `force`): the run columns it sets and the
 * history row, for the caller to insert together with the run.
 */
export function initialStateColumns(kind: RunKind, run: RunRow, proposal: StateCreate, now: number): { state: State; columns: Record<string, unknown> } {
  const state = materializeState(kind, run, proposedStateFrom(proposal, now), null, now);
  return { state, columns: transitionColumns(kind, run, null, state) };
}
