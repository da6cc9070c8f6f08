// Which tracing a process runs, decided from the standard OpenTelemetry environment variables
// alone (https://opentelemetry.io/docs/specs/otel/configuration/sdk-environment-variables/), so an
// ecsflow process is configured like any other OTel-instrumented service. Pure: the entry point
// passes the environment in (only settings and the CLI read process.env).

export type TracingConfig =
  | { enabled: false; reason: string }
  | { enabled: true; url: string; serviceName: string; headers: Record<string, string>; protocol: "http/protobuf" | "http/json" };

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
  const protocol = (env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? env.OTEL_EXPORTER_OTLP_PROTOCOL ?? "http/protobuf").trim();
  if (protocol !== "http/protobuf" && protocol !== "http/json") return { enabled: false, reason: `OTEL_EXPORTER_OTLP_PROTOCOL=${protocol} is not supported (http/protobuf or http/json)` };
  return {
    enabled: true,
    url,
    serviceName: env.OTEL_SERVICE_NAME?.trim() || defaultServiceName,
    headers: { ...parseHeaders(env.OTEL_EXPORTER_OTLP_HEADERS), ...parseHeaders(env.OTEL_EXPORTER_OTLP_TRACES_HEADERS) },
    protocol,
  };
}
