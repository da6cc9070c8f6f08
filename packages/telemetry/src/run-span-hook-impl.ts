import { ROOT_CONTEXT, SpanStatusCode, context, trace } from "@opentelemetry/api";
import { flowRunContext, parseTraceparent } from "./flow-run-trace.js";
import type { RunSpanHook } from "./run-span-hook.js";
import { TRACER_NAMES } from "./spans.js";

/** The SDK's flow-run and task-run spans, on the registered tracer provider. */
export const runSpanHookImpl: RunSpanHook = {
  async runSpan(name, attributes, flowRunId, run) {
    const active = context.active();
    // A run with an id belongs to its own trace (ids from its UUID) unless a caller's span holds it.
    const parent = !trace.getSpan(active) && flowRunId ? flowRunContext(flowRunId) : active;
    const span = trace.getTracer(TRACER_NAMES.sdk).startSpan(name, { attributes }, parent);
    try {
      const outcome = await context.with(trace.setSpan(parent, span), run);
      span.setAttribute("ecsflow.state.final", outcome.finalType);
      if (outcome.finalType !== "COMPLETED") span.setStatus({ code: SpanStatusCode.ERROR, message: `ended ${outcome.finalType}` });
      return outcome;
    } catch (err) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error)?.message ?? String(err) });
      throw err;
    } finally {
      span.end();
    }
  },
  withTraceparent(traceparent, flowRunId, run) {
    const parent = parseTraceparent(traceparent);
    return context.with(parent ? trace.setSpanContext(ROOT_CONTEXT, parent) : flowRunContext(flowRunId), run);
  },
};
