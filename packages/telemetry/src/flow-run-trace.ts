import { ROOT_CONTEXT, TraceFlags, trace, type Context, type SpanContext } from "@opentelemetry/api";

// One trace per flow run, with ids every process derives from the run's UUID alone: the server,
// the worker and the task's SDK join the same trace without handing context to each other (a
// Prefect client or an older worker in between cannot lose it). The UUID's 32 hex digits are the
// trace id; its last 16 (which start with the RFC 4122 variant bits, so are never all zero) are
// the span id of the run's root span, which the server writes when the run reaches a final state.

const HEX32 = /^[0-9a-f]{32}$/;
const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(?:-.*)?$/;

/** The trace id of a flow run (its UUID without dashes), or undefined when the id is not a UUID. */
export function flowRunTraceId(flowRunId: string): string | undefined {
  const hex = flowRunId.replaceAll("-", "").toLowerCase();
  return HEX32.test(hex) && hex !== "0".repeat(32) ? hex : undefined;
}

/** The span id of a flow run's root span. */
export function flowRunRootSpanId(flowRunId: string): string | undefined {
  return flowRunTraceId(flowRunId)?.slice(16);
}

/** The root span of a flow run as a remote parent, for spans written before (or apart from) the root itself. */
export function flowRunSpanContext(flowRunId: string): SpanContext | undefined {
  const traceId = flowRunTraceId(flowRunId);
  if (!traceId) return undefined;
  return { traceId, spanId: traceId.slice(16), traceFlags: TraceFlags.SAMPLED, isRemote: true };
}

/** A context whose parent is the flow run's root span; ROOT_CONTEXT for an id that is not a UUID. */
export function flowRunContext(flowRunId: string): Context {
  const parent = flowRunSpanContext(flowRunId);
  return parent ? trace.setSpanContext(ROOT_CONTEXT, parent) : ROOT_CONTEXT;
}

/** W3C `traceparent` naming the flow run's root span (what the worker puts in the task's TRACEPARENT). */
export function flowRunTraceparent(flowRunId: string): string | undefined {
  const traceId = flowRunTraceId(flowRunId);
  return traceId ? `00-${traceId}-${traceId.slice(16)}-01` : undefined;
}

/** Parses a W3C `traceparent`; undefined when absent or malformed (the all-zero ids and version ff are invalid). */
export function parseTraceparent(value: string | undefined): SpanContext | undefined {
  const m = TRACEPARENT.exec(value?.trim().toLowerCase() ?? "");
  if (!m) return undefined;
  const [, version, traceId, spanId, flags] = m;
  if (version === "ff" || traceId === "0".repeat(32) || spanId === "0".repeat(16)) return undefined;
  return { traceId, spanId, traceFlags: Number.parseInt(flags, 16) & TraceFlags.SAMPLED, isRemote: true };
}
