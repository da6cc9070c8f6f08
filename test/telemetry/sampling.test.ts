// Trace sampling (OTEL_TRACES_SAMPLER): a flow run's trace is kept whole or dropped whole, decided
// by its id alone, so every process decides alike; a dropped run costs set_state no span work.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { newId } from "../../packages/server/src/ids.js";
import { flowRunTraceId, flowRunTraced, startTracing, traceIdKept, tracingConfigFromEnv, type Tracing } from "../../packages/telemetry/src/index.js";
import { taskTraceparent, traceAdoption } from "../../packages/worker/src/flow-run-tracing.js";
import { OtlpCollector } from "../support/otlp-collector.js";
import { startTestServer, type TestServer } from "../support/test-server.js";
import { waitFor } from "../support/wait-for.js";

const endpoint = { OTEL_EXPORTER_OTLP_ENDPOINT: "http://c:4318" };

describe("OTEL_TRACES_SAMPLER", () => {
  it.each([
    [{}, { kind: "always_on" }],
    [{ OTEL_TRACES_SAMPLER: "always_on" }, { kind: "always_on" }],
    [{ OTEL_TRACES_SAMPLER: "parentbased_always_on" }, { kind: "always_on" }],
    [{ OTEL_TRACES_SAMPLER: "traceidratio", OTEL_TRACES_SAMPLER_ARG: "0.25" }, { kind: "ratio", ratio: 0.25 }],
    [{ OTEL_TRACES_SAMPLER: "PARENTBASED_TRACEIDRATIO", OTEL_TRACES_SAMPLER_ARG: " 0.1 " }, { kind: "ratio", ratio: 0.1 }],
    [{ OTEL_TRACES_SAMPLER: "traceidratio" }, { kind: "always_on" }],
    [{ OTEL_TRACES_SAMPLER: "traceidratio", OTEL_TRACES_SAMPLER_ARG: "1" }, { kind: "always_on" }],
  ])("samples as %j says", (env, sampling) => {
    const config = tracingConfigFromEnv({ ...endpoint, ...env }, "svc");
    expect(config.enabled && config.sampling).toEqual(sampling);
    expect(config.enabled && config.samplerNote).toBeUndefined();
  });

  it.each([
    [{ OTEL_TRACES_SAMPLER: "always_off" }, "OTEL_TRACES_SAMPLER is always_off"],
    [{ OTEL_TRACES_SAMPLER: "parentbased_always_off" }, "OTEL_TRACES_SAMPLER is parentbased_always_off"],
    [{ OTEL_TRACES_SAMPLER: "traceidratio", OTEL_TRACES_SAMPLER_ARG: "0" }, "OTEL_TRACES_SAMPLER_ARG is 0"],
  ])("is off (no SDK loaded) for %j", (env, reason) => {
    expect(tracingConfigFromEnv({ ...endpoint, ...env }, "svc")).toEqual({ enabled: false, reason });
  });

  it.each([
    [{ OTEL_TRACES_SAMPLER: "traceidratio", OTEL_TRACES_SAMPLER_ARG: "1.5" }, "OTEL_TRACES_SAMPLER_ARG=1.5 is not a ratio between 0 and 1; sampling every run"],
    [{ OTEL_TRACES_SAMPLER: "traceidratio", OTEL_TRACES_SAMPLER_ARG: "half" }, "OTEL_TRACES_SAMPLER_ARG=half is not a ratio between 0 and 1; sampling every run"],
    [{ OTEL_TRACES_SAMPLER: "jaeger_remote" }, "OTEL_TRACES_SAMPLER=jaeger_remote is not supported (always_on, always_off, traceidratio and their parentbased_ forms); sampling every run"],
  ])("falls back to sampling every run, saying why, for %j", (env, note) => {
    const config = tracingConfigFromEnv({ ...endpoint, ...env }, "svc");
    expect(config.enabled && config.sampling).toEqual({ kind: "always_on" });
    expect(config.enabled && config.samplerNote).toBe(note);
  });
});

describe("which runs a ratio keeps", () => {
  it("keeps about the ratio of runs, UUIDv7 (ours) and v4 (Prefect's) alike", () => {
    for (const make of [newId, randomUUID]) {
      for (const ratio of [0.01, 0.1, 0.5, 0.9]) {
        const n = 20_000;
        let kept = 0;
        for (let i = 0; i < n; i++) if (traceIdKept(flowRunTraceId(make())!, ratio)) kept++;
        // Binomial: 5 standard deviations either side.
        const sd = Math.sqrt(n * ratio * (1 - ratio));
        expect(Math.abs(kept - n * ratio)).toBeLessThan(5 * sd);
      }
    }
  });

  it("decides by the id alone, and a run kept at a ratio is kept at every larger one", () => {
    fc.assert(
      fc.property(fc.uuid(), fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (id, a, b) => {
        const traceId = flowRunTraceId(id)!;
        expect(traceIdKept(traceId, a)).toBe(traceIdKept(traceId, a));
        const [low, high] = a < b ? [a, b] : [b, a];
        if (traceIdKept(traceId, low)) expect(traceIdKept(traceId, high)).toBe(true);
      }),
    );
  });
});

describe("a server and worker tracing at a ratio", () => {
  let collector: OtlpCollector;
  let tracing: Tracing;
  let server: TestServer;
  beforeAll(async () => {
    // Decoded when read, as in bench/telemetry-overhead: the test reads spans only through `spans`.
    collector = await OtlpCollector.start({ decodeWhenRead: true });
    tracing = await startTracing({ env: { OTEL_EXPORTER_OTLP_ENDPOINT: collector.url, OTEL_TRACES_SAMPLER: "traceidratio", OTEL_TRACES_SAMPLER_ARG: "0.5" }, serviceName: "ecsflow-sampled", asyncContext: false });
    server = await startTestServer("sqlite");
  });
  afterAll(async () => {
    await server?.close();
    await tracing?.shutdown();
    await collector?.close();
  });

  it("exports every span of the kept runs and none of the others, and flags the task's TRACEPARENT to match", async () => {
    const flow = (await server.request<{ id: string }>("POST", "/flows/", { name: "sampled" })).body;
    const runs: string[] = [];
    for (let i = 0; i < 40; i++) {
      const run = (await server.request<{ id: string }>("POST", "/flow_runs/", { flow_id: flow.id, state: { type: "SCHEDULED" } })).body;
      for (const type of ["PENDING", "RUNNING", "COMPLETED"]) expect((await server.request("POST", `/flow_runs/${run.id}/set_state`, { state: { type } })).status).toBe(201);
      runs.push(run.id);
    }
    const kept = runs.filter((id) => flowRunTraced(id));
    // 40 fair coins: all heads or all tails would leave nothing to compare (odds about 1e-12).
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.length).toBeLessThan(runs.length);
    await tracing.forceFlush();
    // create + three set_state + the root at COMPLETED: five spans per kept run, nothing else.
    await waitFor("the kept runs' spans", async () => collector.spans.length >= kept.length * 5);
    const traceIds = new Set(collector.spans.map((s) => s.traceId));
    expect([...traceIds].sort()).toEqual(kept.map((id) => flowRunTraceId(id)).sort());
    for (const id of kept) {
      const names = collector.spans.filter((s) => s.traceId === flowRunTraceId(id)).map((s) => s.name).sort();
      expect(names).toEqual(["flow_run", "flow_run.create", "flow_run.set_state", "flow_run.set_state", "flow_run.set_state"]);
    }
    for (const id of runs) expect(taskTraceparent(id)?.endsWith(kept.includes(id) ? "-01" : "-00")).toBe(true);
  });

  it("traces an adopted run in a worker.adopt span, and leaves a dropped one alone", async () => {
    const ids = Array.from({ length: 40 }, () => newId());
    const keptId = ids.find((id) => flowRunTraced(id))!;
    const droppedId = ids.find((id) => !flowRunTraced(id))!;
    const before = collector.spans.length;
    await traceAdoption({ id: keptId, work_pool_name: "p" }, "w1", "cluster::arn:task/1", async () => "watched");
    await traceAdoption({ id: droppedId, work_pool_name: "p" }, "w1", "cluster::arn:task/2", async () => "watched");
    await tracing.forceFlush();
    await waitFor("the adoption span", async () => collector.spans.length > before);
    const adopt = collector.spans.slice(before);
    expect(adopt.map((s) => [s.name, s.traceId])).toEqual([["worker.adopt", flowRunTraceId(keptId)]]);
    expect(adopt[0].parentSpanId).toBe(flowRunTraceId(keptId)!.slice(16));
    expect(adopt[0].attributes).toMatchObject({ "ecsflow.flow_run.id": keptId, "ecsflow.worker.name": "w1", "ecsflow.infrastructure.pid": "cluster::arn:task/1" });
  });
});
