import { SpanStatusCode, context, trace, type Attributes, type Context } from "@opentelemetry/api";
import { TRACER_NAMES } from "../telemetry/index.js";
import type { StateType } from "../schemas/index.js";

// A flow or task run's span, through the OpenTelemetry API alone: it goes to whatever tracer
// provider the process registered (the executor's when OTEL_* configure one, a user's own), and to
// the API's no-op tracer otherwise. Ending in a final state other than COMPLETED marks it failed.

export async function inRunSpan<T extends { finalType: StateType }>(name: string, attributes: Attributes, parent: Context | undefined, run: () => Promise<T>): Promise<T> {
  const from = parent ?? context.active();
  const span = trace.getTracer(TRACER_NAMES.sdk).startSpan(name, { attributes }, from);
  try {
    const outcome = await context.with(trace.setSpan(from, span), run);
    span.setAttribute("ecsflow.state.final", outcome.finalType);
    if (outcome.finalType !== "COMPLETED") span.setStatus({ code: SpanStatusCode.ERROR, message: `ended ${outcome.finalType}` });
    return outcome;
  } catch (err) {
    span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error)?.message ?? String(err) });
    throw err;
  } finally {
    span.end();
  }
}

/** Whether a span is active here (a caller traces this run). */
export function hasActiveSpan(): boolean {
  return trace.getSpan(context.active()) !== undefined;
}
