import type { Attributes, Context, Link, SpanKind } from "@opentelemetry/api";
import { SamplingDecision, type Sampler, type SamplingResult } from "@opentelemetry/sdk-trace-node";
import { flowRunTraceId, traceIdKept } from "./flow-run-trace.js";

/**
 * Keeps `ratio` of the traces, decided by the trace id alone (OTEL_TRACES_SAMPLER=traceidratio).
 * A flow run's spans all carry its UUID as trace id, so the server, the worker and the task keep
 * or drop a run's trace together, with nothing passed between them. Loaded only with tracing on.
 */
export class FlowRunRatioSampler implements Sampler {
  constructor(private readonly ratio: number) {}

  /** The same decision for a flow run id, before any span exists (the hot paths skip all span work). */
  static keeps(flowRunId: string, ratio: number): boolean {
    const traceId = flowRunTraceId(flowRunId);
    // Not a UUID: its spans get random trace ids, which the sampler decides on as they start.
    return traceId === undefined || traceIdKept(traceId, ratio);
  }

  shouldSample(_context: Context, traceId: string, _name: string, _kind: SpanKind, _attributes: Attributes, _links: Link[]): SamplingResult {
    return { decision: traceIdKept(traceId, this.ratio) ? SamplingDecision.RECORD_AND_SAMPLED : SamplingDecision.NOT_RECORD };
  }

  toString(): string {
    return `FlowRunRatioSampler{${this.ratio}}`;
  }
}
