// Which tracing a process runs, decided from the standard OpenTelemetry environment variables
// alone (https://opentelemetry.io/docs/specs/otel/configuration/sdk-environment-variables/), so an
// ecsflow process is configured like any other OTel-instrumented service. Pure: the entry point
// passes the environment in (only settings and the CLI read process.env).

/**
 * Which runs' traces are kept: every one, or a fraction decided by the trace id. A flow run's
 * trace id is its UUID, so the server, the worker and the task decide alike for the same run and
 * a run's trace is kept whole or not at all.
 */
export type TraceSampling = { kind: "always_on" } | { kind: "ratio"; ratio: number };

export type TracingConfig =
  | { enabled: false; reason: string }
  | {
      enabled: true;
      url: string;
      serviceName: string;
      headers: Record<string, string>;
      protocol: "http/protobuf" | "http/json";
      sampling: TraceSampling;
      /** Why a sampler setting was not taken as written (the default was used instead). */
      samplerNote?: string;
      /** The batch span processor (OTEL_BSP_*): how long spans wait, how many go in one export, how many may wait. */
      batch: { scheduledDelayMillis: number; maxExportBatchSize: number; maxQueueSize: number };
    };

const truthy = (v: string | undefined) => v !== undefined && v.trim().toLowerCase() === "true";

/** `k1=v1,k2=v2` (values URL-encoded), as OTEL_EXPORTER_OTLP_HEADERS is written. */
function parseHeaders(value: string | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const pair of (value ?? "").split(",")) {
    const eq = pair.indexOf("=");
    if (eq <= 0) continue;
    try {
      headers[decodeURIComponent(pair.slice(0, eq).trim())] = decodeURIComponent(pair.slice(eq + 1).trim());
    } catch {
      // A malformed escape: the header is left out rather than the process refusing to start.
    }
  }
  return headers;
}

/**
 * Off unless an OTLP endpoint is named: with nothing configured no SDK is loaded and every span
 * call goes to the API's no-op tracer. OTEL_SDK_DISABLED=true and OTEL_TRACES_EXPORTER=none turn
 * it off whatever else is set. Spans go out as OTLP over HTTP, protobuf (the default) or JSON;
 * gRPC is refused with its reason.
 */
export function tracingConfigFromEnv(env: Readonly<Record<string, string | undefined>>, defaultServiceName: string): TracingConfig {
  if (truthy(env.OTEL_SDK_DISABLED)) return { enabled: false, reason: "OTEL_SDK_DISABLED is true" };
  const exporters = (env.OTEL_TRACES_EXPORTER ?? "otlp").split(",").map((s) => s.trim().toLowerCase()).filter(Boolean);
  if (exporters.length === 0 || exporters.includes("none")) return { enabled: false, reason: "OTEL_TRACES_EXPORTER is none" };
  if (!exporters.includes("otlp")) return { enabled: false, reason: `OTEL_TRACES_EXPORTER=${env.OTEL_TRACES_EXPORTER} is not supported (only otlp)` };
  const tracesEndpoint = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim();
  const endpoint = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  // The signal-specific variable is the full URL; the general one is a base the signal's path is appended to.
  const url = tracesEndpoint || (endpoint ? `${endpoint.replace(/\/+$/, "")}/v1/traces` : "");
  if (!url) return { enabled: false, reason: "no OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT" };
  const sampler = samplingFromEnv(env);
  if ("off" in sampler) return { enabled: false, reason: sampler.off };
  const protocol = (env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? env.OTEL_EXPORTER_OTLP_PROTOCOL ?? "http/protobuf").trim();
  if (protocol !== "http/protobuf" && protocol !== "http/json") return { enabled: false, reason: `OTEL_EXPORTER_OTLP_PROTOCOL=${protocol} is not supported (http/protobuf or http/json)` };
  return {
    enabled: true,
    url,
    serviceName: env.OTEL_SERVICE_NAME?.trim() || defaultServiceName,
    headers: { ...parseHeaders(env.OTEL_EXPORTER_OTLP_HEADERS), ...parseHeaders(env.OTEL_EXPORTER_OTLP_TRACES_HEADERS) },
    protocol,
    sampling: sampler.sampling,
    ...(sampler.note ? { samplerNote: sampler.note } : {}),
    // Spans sent within 200 ms (not the specification's 5 s) unless OTEL_BSP_SCHEDULE_DELAY says
    // otherwise, so few live long enough to reach the old generation.
    batch: {
      scheduledDelayMillis: positiveInteger(env.OTEL_BSP_SCHEDULE_DELAY, 200),
      maxExportBatchSize: positiveInteger(env.OTEL_BSP_MAX_EXPORT_BATCH_SIZE, 512),
      maxQueueSize: positiveInteger(env.OTEL_BSP_MAX_QUEUE_SIZE, 8192),
    },
  };
}

/** A whole number above zero, else the default (the specification: an invalid value is ignored). */
function positiveInteger(value: string | undefined, fallback: number): number {
  const n = Number(value?.trim());
  return value !== undefined && Number.isInteger(n) && n > 0 ? n : fallback;
}

/**
 * OTEL_TRACES_SAMPLER (and OTEL_TRACES_SAMPLER_ARG), as the specification names them. The
 * parent-based forms mean the same here: every span of ours has its run's root as parent, so the
 * run decides. An unknown sampler or a bad ratio falls back to the default (always on), as the
 * specification says, with a note the entry point logs.
 */
function samplingFromEnv(env: Readonly<Record<string, string | undefined>>): { sampling: TraceSampling; note?: string } | { off: string } {
  const name = (env.OTEL_TRACES_SAMPLER ?? "parentbased_always_on").trim().toLowerCase();
  switch (name) {
    case "always_on":
    case "parentbased_always_on":
      return { sampling: { kind: "always_on" } };
    case "always_off":
    case "parentbased_always_off":
      return { off: `OTEL_TRACES_SAMPLER is ${name}` };
    case "traceidratio":
    case "parentbased_traceidratio": {
      const arg = env.OTEL_TRACES_SAMPLER_ARG?.trim();
      const ratio = arg === undefined || arg === "" ? 1 : Number(arg);
      if (!Number.isFinite(ratio) || ratio < 0 || ratio > 1) {
        return { sampling: { kind: "always_on" }, note: `OTEL_TRACES_SAMPLER_ARG=${arg} is not a ratio between 0 and 1; sampling every run` };
      }
      if (ratio === 0) return { off: "OTEL_TRACES_SAMPLER_ARG is 0" };
      return { sampling: ratio === 1 ? { kind: "always_on" } : { kind: "ratio", ratio } };
    }
    default:
      return { sampling: { kind: "always_on" }, note: `OTEL_TRACES_SAMPLER=${name} is not supported (always_on, always_off, traceidratio and their parentbased_ forms); sampling every run` };
  }
}
