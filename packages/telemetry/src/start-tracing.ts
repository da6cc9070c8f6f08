import type { Tracer } from "@opentelemetry/api";
import { tracingConfigFromEnv, type TracingConfig } from "./tracing-config.js";
import { setActiveTracing } from "./tracing-state.js";
import { setRunSpanHook } from "./run-span-hook.js";

export interface StartTracingOptions {
  /** The process environment (the OTEL_* variables); the entry point passes it. */
  env: Readonly<Record<string, string | undefined>>;
  /** service.name unless OTEL_SERVICE_NAME names one, e.g. "ecsflow-server". */
  serviceName: string;
  /**
   * Register AsyncLocalStorage as the context manager, so a span started inside another's callback
   * is its child (the worker's AWS calls, the SDK's task runs). The server passes false: its spans
   * name their parents, and on Node 20 an active AsyncLocalStorage puts a hook on every promise,
   * which cost set_state about a fifth more CPU in bench/telemetry-overhead.
   * @default true
   */
  asyncContext?: boolean;
}

export interface Tracing {
  readonly config: TracingConfig;
  /** Sends the spans still buffered (a task process calls it before it exits). */
  forceFlush(): Promise<void>;
  /** Flushes and unregisters the tracer provider; the API falls back to its no-op tracer. */
  shutdown(): Promise<void>;
}

/**
 * Starts the OpenTelemetry trace SDK when the environment configures an OTLP endpoint, and
 * registers it globally (tracer provider, AsyncLocalStorage context, W3C propagator). Off, it loads
 * nothing: the SDK and exporter are imported only here, only then.
 */
export async function startTracing(options: StartTracingOptions): Promise<Tracing> {
  const config = tracingConfigFromEnv(options.env, options.serviceName);
  if (!config.enabled) return { config, forceFlush: async () => undefined, shutdown: async () => undefined };
  const [api, { NodeTracerProvider, BatchSpanProcessor, ParentBasedSampler, AlwaysOnSampler, RandomIdGenerator }, exporter, { resourceFromAttributes }, { SpanRecorder }, { runSpanHookImpl }, { FlowRunRatioSampler }] = await Promise.all([
    import("@opentelemetry/api"),
    import("@opentelemetry/sdk-trace-node"),
    config.protocol === "http/json"
      ? import("@opentelemetry/exporter-trace-otlp-http").then(({ OTLPTraceExporter }) => new OTLPTraceExporter({ url: config.url, headers: config.headers }))
      : import("./otlp-protobuf-trace-exporter.js").then(({ OtlpProtobufTraceExporter }) => new OtlpProtobufTraceExporter({ url: config.url, headers: config.headers })),
    import("@opentelemetry/resources"),
    import("./recorded-span.js"),
    import("./run-span-hook-impl.js"),
    import("./flow-run-ratio-sampler.js"),
  ]);
  const sampling = config.sampling;
  const resource = resourceFromAttributes({ "service.name": config.serviceName });
  // Batched off the request path: a span costs set_state an object and a push, never I/O.
  const processor = new BatchSpanProcessor(exporter, config.batch);
  const ids = new RandomIdGenerator();
  const provider = new NodeTracerProvider({
    resource,
    // Always on: OpenTelemetry's default (a task's spans follow its TRACEPARENT's sampled flag).
    // A ratio: every span by its trace id, which for a run is its UUID, so parents do not matter.
    sampler: sampling.kind === "ratio" ? new FlowRunRatioSampler(sampling.ratio) : new ParentBasedSampler({ root: new AlwaysOnSampler() }),
    spanProcessors: [processor],
  });
  provider.register(options.asyncContext === false ? { contextManager: null } : {});
  const tracers = new Map<string, Tracer>();
  const tracer = (name: string) => {
    let t = tracers.get(name);
    if (!t) tracers.set(name, (t = provider.getTracer(name)));
    return t;
  };
  const keepsRun = sampling.kind === "ratio" ? (flowRunId: string) => FlowRunRatioSampler.keeps(flowRunId, sampling.ratio) : () => true;
  const recorder = new SpanRecorder(processor, resource);
  setActiveTracing({ tracer, record: (name, span) => recorder.record(name, span), newSpanId: () => ids.generateSpanId(), keepsRun });
  setRunSpanHook(runSpanHookImpl);
  let stopped = false;
  return {
    config,
    forceFlush: () => provider.forceFlush(),
    async shutdown() {
      if (stopped) return;
      stopped = true;
      setActiveTracing(undefined);
      setRunSpanHook(undefined);
      try {
        await provider.shutdown();
      } finally {
        api.trace.disable();
        api.context.disable();
        api.propagation.disable();
      }
    },
  };
}
