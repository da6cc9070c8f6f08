import { TRACER_NAMES, flowRunContext, flowRunTraceparent, inSpan, tracingActive } from "@ecsflow/telemetry";

// The worker's part of a flow run's trace: one span per submission (claim to final report), the
// claim inside it, and, through the AWS clients' middleware, every AWS call made for the run. The
// task gets TRACEPARENT naming the run's root span, so its flow and task runs join the trace.

/** Runs a run's submission inside its `worker.submit` span (a plain call when tracing is off). */
export function traceSubmission<T>(flowRun: { id: string; work_pool_name?: string | null }, workerName: string, submit: () => Promise<T>): Promise<T> {
  if (!tracingActive()) return submit();
  const attributes = { "ecsflow.flow_run.id": flowRun.id, "ecsflow.worker.name": workerName, ...(flowRun.work_pool_name ? { "ecsflow.work_pool.name": flowRun.work_pool_name } : {}) };
  return inSpan(TRACER_NAMES.worker, "worker.submit", { parent: flowRunContext(flowRun.id), attributes }, () => submit());
}

/** The claim (SCHEDULED → PENDING) as a span that says whether this worker won it. */
export function traceClaim(claim: () => Promise<boolean>): Promise<boolean> {
  if (!tracingActive()) return claim();
  return inSpan(TRACER_NAMES.worker, "flow_run.claim", {}, async (span) => {
    const won = await claim();
    span?.setAttribute("ecsflow.claim.won", won);
    return won;
  });
}

/** TRACEPARENT for the run's task, when this worker traces (else the task's env stays as it was). */
export function taskTraceparent(flowRunId: string): string | undefined {
  return tracingActive() ? flowRunTraceparent(flowRunId) : undefined;
}
