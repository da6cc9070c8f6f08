import { trace } from "@opentelemetry/api";
import { describe, expect, it } from "vitest";
import { flowRunTraceId, flowRunTraceparent, parseTraceparent, startTracing, tracingActive, tracingConfigFromEnv } from "../../packages/telemetry/src/index.js";
import { taskTraceparent } from "../../packages/worker/src/flow-run-tracing.js";

const DEFAULT_BATCH = { scheduledDelayMillis: 200, maxExportBatchSize: 512, maxQueueSize: 8192 };

describe("tracing configuration from OTEL_* variables", () => {
  it("is off without an endpoint, and then loads no SDK: the API's tracer records nothing", async () => {
    const tracing = await startTracing({ env: {}, serviceName: "ecsflow-test" });
    expect(tracing.config).toEqual({ enabled: false, reason: "no OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT" });
    expect(tracingActive()).toBe(false);
    expect(trace.getTracer("x").startSpan("y").isRecording()).toBe(false);
    // Nor does the worker stamp TRACEPARENT into a task's env.
    expect(taskTraceparent("0192f3a4-5b6c-7d8e-9f01-23456789abcd")).toBeUndefined();
  });

  it.each([
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: "http://c:4318/" }, "http://c:4318/v1/traces", "http/protobuf"],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: "http://c:4318", OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://t:9/custom" }, "http://t:9/custom", "http/protobuf"],
    [{ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://t:9/v1/traces", OTEL_EXPORTER_OTLP_PROTOCOL: "http/json" }, "http://t:9/v1/traces", "http/json"],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: "http://c", OTEL_EXPORTER_OTLP_PROTOCOL: "http/json", OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: "http/protobuf" }, "http://c/v1/traces", "http/protobuf"],
  ])("sends to the signal URL for %j", (env, url, protocol) => {
    expect(tracingConfigFromEnv(env, "svc")).toEqual({ enabled: true, url, serviceName: "svc", headers: {}, protocol, sampling: { kind: "always_on" }, batch: DEFAULT_BATCH });
  });

  it("takes OTEL_SERVICE_NAME and the OTLP headers (URL-decoded)", () => {
    const c = tracingConfigFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://c", OTEL_SERVICE_NAME: "mine", OTEL_EXPORTER_OTLP_HEADERS: "a=1,api-key=x%3Dy,broken" }, "svc");
    expect(c).toEqual({ enabled: true, url: "http://c/v1/traces", serviceName: "mine", headers: { a: "1", "api-key": "x=y" }, protocol: "http/protobuf", sampling: { kind: "always_on" }, batch: DEFAULT_BATCH });
  });

  it.each([
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: "http://c", OTEL_SDK_DISABLED: "TRUE" }, "OTEL_SDK_DISABLED is true"],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: "http://c", OTEL_TRACES_EXPORTER: "none" }, "OTEL_TRACES_EXPORTER is none"],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: "http://c", OTEL_TRACES_EXPORTER: "zipkin" }, "OTEL_TRACES_EXPORTER=zipkin is not supported (only otlp)"],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: "http://c", OTEL_EXPORTER_OTLP_PROTOCOL: "grpc" }, "OTEL_EXPORTER_OTLP_PROTOCOL=grpc is not supported (http/protobuf or http/json)"],
  ])("is off for %j", (env, reason) => {
    expect(tracingConfigFromEnv(env, "svc")).toEqual({ enabled: false, reason });
  });
});

describe("the batch span processor's OTEL_BSP_* settings", () => {
  it("takes whole numbers above zero and ignores the rest", () => {
    const c = tracingConfigFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://c", OTEL_BSP_SCHEDULE_DELAY: "5000", OTEL_BSP_MAX_EXPORT_BATCH_SIZE: "1024", OTEL_BSP_MAX_QUEUE_SIZE: "0" }, "svc");
    expect(c.enabled && c.batch).toEqual({ scheduledDelayMillis: 5000, maxExportBatchSize: 1024, maxQueueSize: 8192 });
    const bad = tracingConfigFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://c", OTEL_BSP_SCHEDULE_DELAY: "soon", OTEL_BSP_MAX_EXPORT_BATCH_SIZE: "1.5", OTEL_BSP_MAX_QUEUE_SIZE: "-3" }, "svc");
    expect(bad.enabled && bad.batch).toEqual(DEFAULT_BATCH);
  });
});

describe("a flow run's trace ids", () => {
  const id = "0192f3a4-5b6c-7d8e-9f01-23456789abcd";
  it("are the UUID's hex: trace id, and its last 16 digits as the root span id in traceparent", () => {
    expect(flowRunTraceId(id)).toBe("0192f3a45b6c7d8e9f0123456789abcd");
    expect(flowRunTraceparent(id)).toBe("00-0192f3a45b6c7d8e9f0123456789abcd-9f0123456789abcd-01");
    expect(parseTraceparent(flowRunTraceparent(id))).toEqual({ traceId: "0192f3a45b6c7d8e9f0123456789abcd", spanId: "9f0123456789abcd", traceFlags: 1, isRemote: true });
  });

  it.each(["", "not-a-uuid", "00000000-0000-0000-0000-000000000000"])("are none for %j", (bad) => {
    expect(flowRunTraceId(bad)).toBeUndefined();
    expect(flowRunTraceparent(bad)).toBeUndefined();
  });

  it.each([undefined, "", "00-abc-def-01", `ff-${"1".repeat(32)}-${"2".repeat(16)}-01`, `00-${"0".repeat(32)}-${"2".repeat(16)}-01`, `00-${"1".repeat(32)}-${"0".repeat(16)}-01`])(
    "refuses the traceparent %j",
    (bad) => {
      expect(parseTraceparent(bad)).toBeUndefined();
    },
  );
});
