// How the SDK reaches tracing without importing any package: a flow's build bundles the SDK's
// source and leaves package imports bare, and a flow's folder need not have @opentelemetry/api.
// startTracing installs this hook on globalThis (a registered symbol, so every copy of the SDK
// finds it); without it the SDK's spans are plain calls. This file must stay import-free.

export interface RunSpanOutcome {
  finalType: string;
}

export interface RunSpanHook {
  /**
   * Runs `run` in a span named `name`, child of the active span, else of the flow run's root
   * (`flowRunId`); the span records the outcome's final state.
   */
  runSpan<T extends RunSpanOutcome>(name: string, attributes: Record<string, string>, flowRunId: string | undefined, run: () => Promise<T>): Promise<T>;
  /** Runs `run` with a W3C traceparent (the task's TRACEPARENT) as the active parent. */
  withTraceparent<T>(traceparent: string | undefined, flowRunId: string, run: () => Promise<T>): Promise<T>;
}

export const RUN_SPAN_HOOK = Symbol.for("ecsflow.telemetry.runSpanHook");

export function runSpanHook(): RunSpanHook | undefined {
  return (globalThis as { [RUN_SPAN_HOOK]?: RunSpanHook })[RUN_SPAN_HOOK];
}

export function setRunSpanHook(hook: RunSpanHook | undefined): void {
  const g = globalThis as { [RUN_SPAN_HOOK]?: RunSpanHook };
  if (hook) g[RUN_SPAN_HOOK] = hook;
  else delete g[RUN_SPAN_HOOK];
}
