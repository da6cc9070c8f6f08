import { SpanKind, SpanStatusCode, context, trace, type Attributes, type Context, type Span } from "@opentelemetry/api";
import { flowRunTraceId, rootSpanIdOf } from "./flow-run-trace.js";
import { activeTracing } from "./tracing-state.js";

/** Instrumentation scope names: which part of ecsflow wrote a span. */
export const TRACER_NAMES = { server: "ecsflow.server", worker: "ecsflow.worker", sdk: "ecsflow.sdk" } as const;
export type TracerName = (typeof TRACER_NAMES)[keyof typeof TRACER_NAMES];

export interface InSpanOptions {
  /** The parent; the active context when not given. */
  parent?: Context;
  attributes?: Attributes;
  kind?: SpanKind;
}

/**
 * Runs `fn` inside a new active span that ends (with an error status when `fn` throws) when `fn`
 * settles. With tracing off this is a plain call: `fn` gets undefined and no span is made.
 */
export async function inSpan<T>(tracer: TracerName, name: string, options: InSpanOptions, fn: (span: Span | undefined) => Promise<T>): Promise<T> {
  const tracing = activeTracing();
  if (!tracing) return fn(undefined);
  const parent = options.parent ?? context.active();
  const span = tracing.tracer(tracer).startSpan(name, { attributes: options.attributes, kind: options.kind ?? SpanKind.INTERNAL }, parent);
  try {
    return await context.with(trace.setSpan(parent, span), () => fn(span));
  } catch (err) {
    failSpan(span, err);
    throw err;
  } finally {
    span.end();
  }
}

/** Marks a span failed with the error's name and message (never its stack's local values). */
export function failSpan(span: Span, err: unknown): void {
  const e = err as { name?: string; message?: string };
  span.recordException({ name: e?.name ?? "Error", message: e?.message ?? String(err) });
  span.setStatus({ code: SpanStatusCode.ERROR, message: e?.message ?? String(err) });
}

export interface RootSpanOptions {
  name: string;
  startTime: number;
  endTime: number;
  attributes?: Attributes;
  error?: string;
}

/**
 * Writes a flow run's root span, with the ids derived from its UUID, once the run has ended (its
 * start is the run's creation). Every other span of the run names it as parent already.
 */
export function recordFlowRunRootSpan(tracer: TracerName, flowRunId: string, options: RootSpanOptions): void {
  const tracing = activeTracing();
  const traceId = flowRunTraceId(flowRunId);
  if (!tracing || !traceId) return;
  const { name, startTime, endTime, attributes, error } = options;
  tracing.record(tracer, { name, traceId, spanId: rootSpanIdOf(traceId), startTime, endTime, attributes: attributes ?? {}, error });
}

/**
 * A span of a flow run that already happened (its start and end measured by the caller, in epoch
 * ms), child of the run's root span. Nothing for an id that is not a UUID: it has no trace.
 */
export function recordFlowRunSpan(tracer: TracerName, flowRunId: string, name: string, startTime: number, endTime: number, attributes: Attributes, error?: string): void {
  const tracing = activeTracing();
  const traceId = flowRunTraceId(flowRunId);
  if (!tracing || !traceId) return;
  tracing.record(tracer, { name, traceId, parentSpanId: rootSpanIdOf(traceId), startTime, endTime, attributes, error });
}

export { SpanKind, type Attributes, type Context, type Span };
