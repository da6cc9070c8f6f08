import { TERMINAL_STATE_TYPES, type OrchestrationResult, type StateType } from "@ecsflow/schemas";
import { TRACER_NAMES, flowRunTraceId, flowRunTraced, recordFlowRunRootSpan, recordFlowRunSpan } from "@ecsflow/telemetry";

// The server's part of a flow run's trace: its creation, every set_state on it, and (at a final
// state) the run's root span. Spans are written after the fact from measured times, so set_state
// does no context switching for them, and nothing at all when tracing is off.

interface FlowRunLike {
  id: string;
  flow_id?: string | null;
  deployment_id?: string | null;
  work_pool_name?: string | null;
  work_queue_name?: string | null;
}

function runAttributes(run: FlowRunLike): Record<string, string> {
  // Assigned, not spread from optional parts: this runs at every run's create and final state.
  const attributes: Record<string, string> = { "ecsflow.flow_run.id": run.id };
  if (run.flow_id) attributes["ecsflow.flow.id"] = run.flow_id;
  if (run.deployment_id) attributes["ecsflow.deployment.id"] = run.deployment_id;
  if (run.work_pool_name) attributes["ecsflow.work_pool.name"] = run.work_pool_name;
  if (run.work_queue_name) attributes["ecsflow.work_queue.name"] = run.work_queue_name;
  return attributes;
}

/** A created flow run: one span from the insert's start to its commit. */
export function traceFlowRunCreated(run: FlowRunLike, stateType: string, startTime: number): void {
  if (!flowRunTraced(run.id)) return;
  const attributes = runAttributes(run);
  attributes["ecsflow.state.to"] = stateType;
  recordFlowRunSpan(TRACER_NAMES.server, run.id, "flow_run.create", startTime, Date.now(), attributes);
}

/** The creation time our UUIDv7 ids carry in their first 48 bits; undefined for other ids. */
function createdAtOf(id: string): number | undefined {
  const hex = flowRunTraceId(id);
  if (!hex || hex.charCodeAt(12) !== 55 /* 7 */) return undefined;
  return Number.parseInt(hex.slice(0, 12), 16);
}

export interface SetStateTrace {
  /** The run as read and its state type when the (last) decision was made. */
  decidedOn(run: FlowRunLike, from: string | null): void;
  finish(result: OrchestrationResult, proposed: string): void;
  fail(err: unknown): void;
}

/** Starts timing a set_state on a flow run; undefined when tracing is off or drops the run's trace, so the caller does nothing more. */
export function traceSetState(runId: string): SetStateTrace | undefined {
  if (!flowRunTraced(runId)) return undefined;
  const startTime = Date.now();
  let from: string | null = null;
  let run: FlowRunLike | undefined;
  return {
    decidedOn(read, state) {
      run = read;
      from = state;
    },
    finish(result, proposed) {
      const to = result.status === "ACCEPT" || result.status === "REJECT" ? (result.state?.type ?? null) : null;
      const endTime = Date.now();
      // Few attributes: this is a span per transition, and the run's own (flow, deployment, pool)
      // are on its create and root spans; the trace id already names the run.
      recordFlowRunSpan(
        TRACER_NAMES.server,
        runId,
        "flow_run.set_state",
        startTime,
        endTime,
        result.status === "ACCEPT" && to
          ? { "ecsflow.state.from": from ?? "NONE", "ecsflow.state.to": to, "ecsflow.orchestration.status": result.status }
          : { "ecsflow.state.from": from ?? "NONE", "ecsflow.state.proposed": proposed, "ecsflow.orchestration.status": result.status },
      );
      const accepted = result.status === "ACCEPT" ? (result.state?.type as StateType | undefined) : undefined;
      if (accepted && TERMINAL_STATE_TYPES.includes(accepted)) {
        const attributes = runAttributes(run ?? { id: runId });
        attributes["ecsflow.state.final"] = accepted;
        recordFlowRunRootSpan(TRACER_NAMES.server, runId, {
          name: "flow_run",
          startTime: createdAtOf(runId) ?? startTime,
          endTime,
          attributes,
          error: accepted === "COMPLETED" || accepted === "CANCELLED" ? undefined : `The flow run ended ${accepted}.`,
        });
      }
    },
    fail(err) {
      recordFlowRunSpan(TRACER_NAMES.server, runId, "flow_run.set_state", startTime, Date.now(), { "ecsflow.flow_run.id": runId, "ecsflow.state.from": from ?? "NONE" }, (err as Error)?.message ?? String(err));
    },
  };
}
