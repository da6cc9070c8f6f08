// Whether this process exports spans. Hot paths (set_state, every AWS call) test this one flag
// before building a span's name or attributes, so with tracing off they do no span work at all.

import type { Tracer } from "@opentelemetry/api";
import type { FinishedSpan } from "./finished-span.js";

export interface ActiveTracing {
  /** The provider's own tracer (not the API's proxy), made once per name. */
  tracer(name: string): Tracer;
  /** Exports a span that already happened (the server's, written after the fact). */
  record(tracer: string, span: FinishedSpan): void;
  /** Whether the sampler keeps this flow run's trace (decided by its id alone, alike in every process). */
  keepsRun(flowRunId: string): boolean;
}

let active: ActiveTracing | undefined;

export function tracingActive(): boolean {
  return active !== undefined;
}

/** Whether this process writes spans for the flow run: tracing is on and the sampler keeps its trace. */
export function flowRunTraced(flowRunId: string): boolean {
  return active !== undefined && active.keepsRun(flowRunId);
}

export function activeTracing(): ActiveTracing | undefined {
  return active;
}

export function setActiveTracing(next: ActiveTracing | undefined): void {
  active = next;
}
