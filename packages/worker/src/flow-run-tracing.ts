import { TRACER_NAMES, flowRunContext, flowRunTraceparent, flowRunTraced, inSpan, tracingActive } from "@ecsflow/telemetry";

// The worker's part of a flow run's trace: one span per submission (claim to final report), the
// claim inside it, and, through the AWS clients' middleware, every AWS call made for the run. The
// task gets TRACEPARENT naming the run's root span, so its flow and task runs join the trace.

/** Runs a run's submission inside its `worker.submit` span (a plain call when tracing is off). */
export function traceSubmission<T>(flowRun: { id: string; work_pool_name?: string | null }, workerName: string, submit: () => Promise<T>): Promise<T> {
  if (!flowRunTraced(flowRun.id)) return submit();
  const attributes = { "ecsflow.flow_run.id": flowRun.id, "ecsflow.worker.name": workerName, ...(flowRun.work_pool_name ? { "ecsflow.work_pool.name": flowRun.work_pool_name } : {}) };
  return inSpan(TRACER_NAMES.worker, "worker.submit", { parent: flowRunContext(flowRun.id), attributes }, () => submit());
}

/** The claim (SCHEDULED → PENDING) as a span, inside the submission's, that says whether this worker won it. */
export function traceClaim(flowRunId: string, claim: () => Promise<boolean>): Promise<boolean> {
  if (!flowRunTraced(flowRunId)) return claim();
  return inSpan(TRACER_NAMES.worker, "flow_run.claim", {}, async (span) => {
    const won = await claim();
    span?.setAttribute("ecsflow.claim.won", won);
    return won;
  });
}

/** TRACEPARENT for the run's task, when this worker traces (else the task's env stays as it was); flagged unsampled when the sampler drops the run. */
export function taskTraceparent(flowRunId: string): string | undefined {
  return tracingActive() ? flowRunTraceparent(flowRunId, flowRunTraced(flowRunId)) : undefined;
}

/**
 * An adopted run (after a worker restart) in a `worker.adopt` span of its trace: the watch to its
 * end, the AWS calls made for it and the final report, as a submission's are.
 */
export function traceAdoption<T>(flowRun: { id: string; work_pool_name?: string | null }, workerName: string, infrastructurePid: string | null | undefined, adopt: () => Promise<T>): Promise<T> {
  if (!flowRunTraced(flowRun.id)) return adopt();
  const attributes = {
    "ecsflow.flow_run.id": flowRun.id,
    "ecsflow.worker.name": workerName,
    ...(flowRun.work_pool_name ? { "ecsflow.work_pool.name": flowRun.work_pool_name } : {}),
    ...(infrastructurePid ? { "ecsflow.infrastructure.pid": infrastructurePid } : {}),
  };
  return inSpan(TRACER_NAMES.worker, "worker.adopt", { parent: flowRunContext(flowRun.id), attributes }, () => adopt());
}
