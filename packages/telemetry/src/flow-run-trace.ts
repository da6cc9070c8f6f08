import { ROOT_CONTEXT, TraceFlags, trace, type Context, type SpanContext } from "@opentelemetry/api";

// One trace per flow run, with ids every process derives from the run's UUID alone: the server,
// the worker and the task's SDK join the same trace without handing context to each other (a
// Prefect client or an older worker in between cannot lose it). The UUID's 32 hex digits are the
// trace id; its last 16 (which start with the RFC 4122 variant bits, so are never all zero) are
// the span id of the run's root span, which the server writes when the run reaches a final state.

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(?:-.*)?$/;

// Every span of a run asks for these ids (a set_state makes two), so the last runs' contexts are
// kept: deriving them is most of what a span costs before the SDK sees it.
const CACHE_SIZE = 4096;
const contexts = new Map<string, Context>();

// A run's id reaches the server as a new string in every request about it (its create, each
// set_state, its root span), and each asks for the trace id: the last runs' are kept.
const traceIds = new Map<string, string | undefined>();

/** The trace id of a flow run (its UUID without dashes), or undefined when the id is not a UUID. */
export function flowRunTraceId(flowRunId: string): string | undefined {
  let traceId = traceIds.get(flowRunId);
  if (traceId !== undefined || traceIds.has(flowRunId)) return traceId;
  traceId = deriveTraceId(flowRunId);
  if (traceIds.size >= CACHE_SIZE) traceIds.clear();
  traceIds.set(flowRunId, traceId);
  return traceId;
}

function deriveTraceId(flowRunId: string): string | undefined {
  const hex = flowRunId.replaceAll("-", "");
  if (hex.length !== 32 || hex === "00000000000000000000000000000000") return undefined;
  for (let i = 0; i < 32; i++) {
    const c = hex.charCodeAt(i);
    if ((c >= 48 && c <= 57) || (c >= 97 && c <= 102)) continue;
    // Upper-case hex is the same UUID: its trace id is the lower-case one.
    return c >= 65 && c <= 70 ? deriveTraceId(flowRunId.toLowerCase()) : undefined;
  }
  return hex;
}

/**
 * Whether a trace id is among the `ratio` kept: its last 13 hex digits (random in UUIDv4 and v7
 * alike) read as a fraction of 16^13. Pure, so every process decides alike for the same run.
 */
export function traceIdKept(traceId: string, ratio: number): boolean {
  if (ratio >= 1) return true;
  if (ratio <= 0) return false;
  return Number.parseInt(traceId.slice(19), 16) / 0x10000000000000 < ratio;
}

/** The span id of a run's root span, from its trace id: the last 16 of its 32 hex digits. */
export const rootSpanIdOf = (traceId: string): string => traceId.slice(16);

/** The span id of a flow run's root span. */
export function flowRunRootSpanId(flowRunId: string): string | undefined {
  const traceId = flowRunTraceId(flowRunId);
  return traceId && rootSpanIdOf(traceId);
}

/** The root span of a flow run as a remote parent, for spans written before (or apart from) the root itself. */
export function flowRunSpanContext(flowRunId: string): SpanContext | undefined {
  const traceId = flowRunTraceId(flowRunId);
  if (!traceId) return undefined;
  return { traceId, spanId: rootSpanIdOf(traceId), traceFlags: TraceFlags.SAMPLED, isRemote: true };
}

/** A context whose parent is the flow run's root span; ROOT_CONTEXT for an id that is not a UUID. */
export function flowRunContext(flowRunId: string): Context {
  let ctx = contexts.get(flowRunId);
  if (ctx) return ctx;
  const parent = flowRunSpanContext(flowRunId);
  ctx = parent ? trace.setSpanContext(ROOT_CONTEXT, parent) : ROOT_CONTEXT;
  if (contexts.size >= CACHE_SIZE) contexts.clear();
  contexts.set(flowRunId, ctx);
  return ctx;
}

/**
 * W3C `traceparent` naming the flow run's root span (what the worker puts in the task's
 * TRACEPARENT); its sampled flag says whether the worker keeps the run's trace, so a task that
 * samples by its parent (OpenTelemetry's default) decides as the worker did.
 */
export function flowRunTraceparent(flowRunId: string, sampled = true): string | undefined {
  const traceId = flowRunTraceId(flowRunId);
  return traceId ? `00-${traceId}-${rootSpanIdOf(traceId)}-${sampled ? "01" : "00"}` : undefined;
}

/** Parses a W3C `traceparent`; undefined when absent or malformed (the all-zero ids and version ff are invalid). */
export function parseTraceparent(value: string | undefined): SpanContext | undefined {
  const m = TRACEPARENT.exec(value?.trim().toLowerCase() ?? "");
  if (!m) return undefined;
  const [, version, traceId, spanId, flags] = m;
  if (version === "ff" || traceId === "0".repeat(32) || spanId === "0".repeat(16)) return undefined;
  return { traceId, spanId, traceFlags: Number.parseInt(flags, 16) & TraceFlags.SAMPLED, isRemote: true };
}
