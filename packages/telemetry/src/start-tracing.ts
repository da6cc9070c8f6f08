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
  const json = config.protocol === "http/json";
  const exporterConfig = { url: config.url, headers: config.headers };
  const [api, { NodeTracerProvider, BatchSpanProcessor, ParentBasedSampler, AlwaysOnSampler, RandomIdGenerator }, exporters, { resourceFromAttributes }, { runSpanHookImpl }, { FlowRunRatioSampler }] = await Promise.all([
    import("@opentelemetry/api"),
    import("@opentelemetry/sdk-trace-node"),
    json
      ? import("@opentelemetry/exporter-trace-otlp-http").then(({ OTLPTraceExporter }) => ({ spans: new OTLPTraceExporter(exporterConfig), encoded: undefined }))
      : import("./otlp-protobuf-trace-exporter.js").then((m) => ({ spans: new m.OtlpProtobufTraceExporter(exporterConfig), encoded: new m.OtlpProtobufEncodedSpansExporter(exporterConfig) })),
    import("@opentelemetry/resources"),
    import("./run-span-hook-impl.js"),
    import("./flow-run-ratio-sampler.js"),
  ]);
  const sampling = config.sampling;
  const resource = resourceFromAttributes({ "service.name": config.serviceName });
  // Batched off the request path: a span costs set_state an object and a push, never I/O.
  const processor = new BatchSpanProcessor(exporters.spans, config.batch);
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
  // Spans recorded after the fact: as protobuf bytes from the start (encoded-span-batcher.ts), or
  // for JSON as the SDK's span objects through its batch processor.
  const recorder = exporters.encoded
    ? new (await import("./encoded-span-batcher.js")).EncodedSpanBatcher(exporters.encoded, resource, config.batch)
    : new (await import("./recorded-span.js")).SpanRecorder(processor, resource, () => ids.generateSpanId());
  setActiveTracing({ tracer, record: (name, span) => recorder.record(name, span), keepsRun });
  setRunSpanHook(runSpanHookImpl);
  let stopped = false;
  return {
    config,
    forceFlush: () => Promise.all([provider.forceFlush(), recorder.forceFlush()]).then(() => undefined),
    async shutdown() {
      if (stopped) return;
      stopped = true;
      setActiveTracing(undefined);
      setRunSpanHook(undefined);
      try {
        await Promise.all([provider.shutdown(), recorder.shutdown()]);
      } finally {
        api.trace.disable();
        api.context.disable();
        api.propagation.disable();
      }
    },
  };
}
