// Tracing for every ecsflow process: one OpenTelemetry trace per flow run (flow-run-trace.ts),
// set up from the standard OTEL_* variables and off (the API's no-op tracer, no SDK loaded) unless
// an OTLP endpoint is configured.
export { startTracing, type StartTracingOptions, type Tracing } from "./start-tracing.js";
export { tracingConfigFromEnv, type TraceSampling, type TracingConfig } from "./tracing-config.js";
export { flowRunTraced, tracingActive } from "./tracing-state.js";
export { flowRunContext, flowRunRootSpanId, flowRunSpanContext, flowRunTraceId, flowRunTraceparent, parseTraceparent, traceIdKept } from "./flow-run-trace.js";
export { TRACER_NAMES, failSpan, inSpan, recordFlowRunRootSpan, recordFlowRunSpan, SpanKind, type Attributes, type Context, type InSpanOptions, type RootSpanOptions, type Span, type TracerName } from "./spans.js";
