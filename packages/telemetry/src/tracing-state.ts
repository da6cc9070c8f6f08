// Whether this process exports spans. Hot paths (set_state, every AWS call) test this one flag
// before building a span's name or attributes, so with tracing off they do no span work at all.

import type { Tracer } from "@opentelemetry/api";

export interface ActiveTracing {
  /** The provider's own tracer (not the API's proxy), made once per name. */
  tracer(name: string): Tracer;
  /** Runs `start` with the next span's trace and span ids fixed (a flow run's root span). */
  withIds<T>(traceId: string, spanId: string, start: () => T): T;
}

let active: ActiveTracing | undefined;

export function tracingActive(): boolean {
  return active !== undefined;
}

export function activeTracing(): ActiveTracing | undefined {
  return active;
}

export function setActiveTracing(next: ActiveTracing | undefined): void {
  active = next;
}
