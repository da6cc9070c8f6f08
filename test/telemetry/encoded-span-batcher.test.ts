// The server's after-the-fact spans, batched as protobuf bytes: the bodies must be exactly what the
// SDK's path (its span objects through a batch processor and the transformer's serializer) sends,
// batch by batch, and the batching must keep the batch processor's limits.
import { describe, expect, it, vi } from "vitest";
import fc from "fast-check";
import { diag, DiagLogLevel } from "@opentelemetry/api";
import { ProtobufTraceSerializer } from "@opentelemetry/otlp-transformer";
import { resourceFromAttributes } from "@opentelemetry/resources";
import type { ReadableSpan, SpanProcessor } from "@opentelemetry/sdk-trace-node";
import { EncodedSpanBatcher, type BatchLimits, type EncodedSpanBatchExporter } from "../../packages/telemetry/src/encoded-span-batcher.js";
import type { FinishedSpan } from "../../packages/telemetry/src/finished-span.js";
import type { EncodedSpanBatch } from "../../packages/telemetry/src/otlp-protobuf-trace-exporter.js";
import { SpanRecorder } from "../../packages/telemetry/src/recorded-span.js";
import { decodeRequest } from "../support/otlp-collector.js";

const hex = (bytes: number) => fc.uint8Array({ minLength: bytes, maxLength: bytes }).map((b) => Buffer.from(b).toString("hex"));
const millis = fc.tuple(fc.integer({ min: 0, max: 4_000_000_000_000 }), fc.constantFrom(0, 0.5, 0.123456, 0.999999)).map(([ms, fraction]) => ms + fraction);
const attributeValue = fc.oneof(fc.string(), fc.string({ unit: "grapheme" }), fc.integer(), fc.double(), fc.boolean(), fc.array(fc.string(), { maxLength: 3 }));
const finishedSpan: fc.Arbitrary<FinishedSpan> = fc.record(
  {
    name: fc.oneof(fc.constantFrom("flow_run.set_state", "flow_run", "flow_run.create"), fc.string({ maxLength: 200 })),
    traceId: hex(16),
    spanId: hex(8),
    parentSpanId: hex(8),
    startTime: millis,
    endTime: millis,
    attributes: fc.dictionary(fc.string({ maxLength: 40 }), attributeValue, { maxKeys: 6 }),
    error: fc.string({ unit: "grapheme", maxLength: 80 }),
  },
  { requiredKeys: ["name", "traceId", "startTime", "endTime", "attributes"] },
);
const TRACERS = ["ecsflow.server", "ecsflow.worker", "ecsflow.sdk"];
const record = fc.tuple(fc.constantFrom(...TRACERS), finishedSpan);

class CapturingExporter implements EncodedSpanBatchExporter {
  readonly batches: EncodedSpanBatch[] = [];
  readonly waiting: (() => void)[] = [];
  inFlight = 0;
  maxInFlight = 0;
  shutDown = false;
  constructor(private readonly answer: "now" | "later" | "hold" | "fail" = "now") {}

  export(batch: EncodedSpanBatch, done: (result: { code: number; error?: Error }) => void): void {
    this.batches.push(batch);
    this.maxInFlight = Math.max(this.maxInFlight, ++this.inFlight);
    const settle = () => {
      this.inFlight--;
      done(this.answer === "fail" ? { code: 1, error: new Error("collector said 503") } : { code: 0 });
    };
    if (this.answer === "now" || this.answer === "fail") settle();
    else if (this.answer === "later") setImmediate(settle);
    else this.waiting.push(settle);
  }
  async forceFlush(): Promise<void> {}
  async shutdown(): Promise<void> {
    this.shutDown = true;
  }
  spans(): number {
    return this.batches.reduce((n, b) => n + b.spans, 0);
  }
}

const resource = resourceFromAttributes({ "service.name": "ecsflow-server", "host.name": "ip-10-0-0-1" });
const limits = (maxExportBatchSize: number, maxQueueSize = 100_000): BatchLimits => ({ scheduledDelayMillis: 60_000, maxExportBatchSize, maxQueueSize });

/** The span ids a batcher's bodies hold, in the order recorded (a body holds its spans grouped by scope, in the order scopes first appear). */
function spanIdsRecorded(bodies: Uint8Array[], records: [string, FinishedSpan][], batchSize: number): string[] {
  const ids: string[] = [];
  bodies.forEach((body, b) => {
    const decoded = decodeRequest(Buffer.from(body)).resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans.map((sp) => sp.spanId!)));
    const chunk = records.slice(b * batchSize, (b + 1) * batchSize).map(([tracer], i) => ({ tracer, i: b * batchSize + i }));
    const grouped = [...new Set(chunk.map((r) => r.tracer))].flatMap((tracer) => chunk.filter((r) => r.tracer === tracer));
    grouped.forEach((r, k) => (ids[r.i] = decoded[k]));
  });
  return ids;
}

/** What the SDK's path sends for the same records: its span objects, batch by batch, through the transformer. */
function sdkBodies(records: [string, FinishedSpan][], batchSize: number, randomIds: string[] = []): Buffer[] {
  const spans: ReadableSpan[] = [];
  let r = 0;
  // A record without a span id gets a random one on either path: here the one the batcher wrote.
  const recorder = new SpanRecorder({ onEnd: (span: ReadableSpan) => spans.push(span) } as unknown as SpanProcessor, resource, () => randomIds[r - 1]);
  for (const [tracer, span] of records) {
    r++;
    recorder.record(tracer, span);
  }
  const bodies: Buffer[] = [];
  for (let i = 0; i < spans.length; i += batchSize) bodies.push(Buffer.from(ProtobufTraceSerializer.serializeRequest(spans.slice(i, i + batchSize))!));
  return bodies;
}

describe("EncodedSpanBatcher", () => {
  it("sends, batch by batch, the bytes the SDK's span objects and the transformer would", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(record, { maxLength: 40 }), fc.integer({ min: 1, max: 12 }), fc.constantFrom<"now" | "later">("now", "later"), async (records, batchSize, answer) => {
        const exporter = new CapturingExporter(answer);
        const batcher = new EncodedSpanBatcher(exporter, resource, limits(batchSize));
        for (const [tracer, span] of records) batcher.record(tracer, span);
        await batcher.forceFlush();
        const bodies = exporter.batches.map((b) => b.body);
        const ids = spanIdsRecorded(bodies, records, batchSize);
        records.forEach(([, span], i) => {
          if (span.spanId) expect(ids[i]).toBe(span.spanId);
          else expect(ids[i]).toMatch(/^[0-9a-f]{16}$/);
        });
        expect(ids.filter((id) => id === "0".repeat(16))).toEqual([]);
        expect(bodies.map((b) => Buffer.from(b))).toEqual(sdkBodies(records, batchSize, ids));
        expect(exporter.batches.map((b) => b.spans)).toEqual(Array.from({ length: Math.ceil(records.length / batchSize) }, (_, i) => Math.min(batchSize, records.length - i * batchSize)));
        expect(exporter.maxInFlight).toBeLessThanOrEqual(1);
      }),
      { numRuns: 300 },
    );
  });

  it("writes a set_state span and a root span a collector reads back as recorded", async () => {
    const exporter = new CapturingExporter();
    const batcher = new EncodedSpanBatcher(exporter, resource, limits(512));
    const traceId = "0123456789abcdef0123456789abcdef";
    batcher.record("ecsflow.server", { name: "flow_run.set_state", traceId, parentSpanId: "0123456789abcdef", startTime: 1_765_000_000_123, endTime: 1_765_000_000_456.5, attributes: { "ecsflow.state.to": "RUNNING" }, error: "ünïcode failure" });
    batcher.record("ecsflow.server", { name: "flow_run", traceId, spanId: "0123456789abcdef", startTime: 1_765_000_000_000, endTime: 1_764_999_999_999, attributes: { n: 3 } });
    await batcher.forceFlush();
    expect(exporter.batches.map((b) => b.spans)).toEqual([2]);
    const [rs] = decodeRequest(Buffer.from(exporter.batches[0].body)).resourceSpans;
    expect(rs.resource.attributes).toContainEqual({ key: "service.name", value: { stringValue: "ecsflow-server" } });
    expect(rs.scopeSpans.map((ss) => ss.scope.name)).toEqual(["ecsflow.server"]);
    const [child, root] = rs.scopeSpans[0].spans;
    expect(child).toMatchObject({ traceId, parentSpanId: "0123456789abcdef", name: "flow_run.set_state", kind: 1, startTimeUnixNano: "1765000000123000000", endTimeUnixNano: "1765000000456500000", status: { code: 2, message: "ünïcode failure" } });
    expect(child.spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(child.attributes).toEqual([{ key: "ecsflow.state.to", value: { stringValue: "RUNNING" } }]);
    // A root span has no parent; an end before the start is taken as the start.
    expect(root).toMatchObject({ spanId: "0123456789abcdef", parentSpanId: undefined, name: "flow_run", endTimeUnixNano: "1765000000000000000", status: { code: 0 } });
  });

  it("exports one batch at a time and drops what is past the queue's limit while one is out", async () => {
    const exporter = new CapturingExporter("hold");
    const batcher = new EncodedSpanBatcher(exporter, resource, limits(2, 5));
    const records = fc.sample(record, { numRuns: 10, seed: 3 });
    for (const [tracer, span] of records) batcher.record(tracer, span);
    // 2 out, 2 sealed behind them, 1 open: 5 waiting in all; the other 5 dropped.
    expect(exporter.batches).toHaveLength(1);
    expect(batcher.droppedSpans).toBe(5);
    const flushed = batcher.forceFlush();
    while (exporter.waiting.length) {
      exporter.waiting.shift()!();
      await new Promise((r) => setImmediate(r));
    }
    await flushed;
    expect(exporter.batches.map((b) => b.spans)).toEqual([2, 2, 1]);
    expect(exporter.maxInFlight).toBe(1);
    expect(exporter.batches.map((b) => Buffer.from(b.body))).toEqual(sdkBodies(records.slice(0, 5), 2, spanIdsRecorded(exporter.batches.map((b) => b.body), records.slice(0, 5), 2)));
  });

  it("sends a part-filled batch once its delay has passed, without a flush", async () => {
    const exporter = new CapturingExporter();
    const batcher = new EncodedSpanBatcher(exporter, resource, { scheduledDelayMillis: 5, maxExportBatchSize: 512, maxQueueSize: 2048 });
    const records = fc.sample(record, { numRuns: 3, seed: 11 });
    for (const [tracer, span] of records) batcher.record(tracer, span);
    expect(exporter.batches).toHaveLength(0);
    await vi.waitFor(() => expect(exporter.batches).toHaveLength(1));
    expect(exporter.batches[0].spans).toBe(3);
  });

  it("reports a failed export, frees its place in the queue and goes on with the next batch", async () => {
    const errors: string[] = [];
    diag.setLogger({ error: (m: string) => errors.push(m), warn: () => {}, info: () => {}, debug: () => {}, verbose: () => {} }, DiagLogLevel.ERROR);
    try {
      const exporter = new CapturingExporter("fail");
      // Room for two waiting: a failed export that kept its place would leave room for one, and the third would be dropped.
      const batcher = new EncodedSpanBatcher(exporter, resource, limits(1, 2));
      for (const [tracer, span] of fc.sample(record, { numRuns: 3, seed: 5 })) batcher.record(tracer, span);
      await batcher.forceFlush();
      expect(exporter.batches.map((b) => b.spans)).toEqual([1, 1, 1]);
      expect(batcher.droppedSpans).toBe(0);
      expect(errors).toHaveLength(3);
      expect(errors[0]).toContain("exporting 1 spans failed: collector said 503");
    } finally {
      diag.disable();
    }
  });

  it("sends what is left at shutdown, then records nothing more", async () => {
    const exporter = new CapturingExporter();
    const batcher = new EncodedSpanBatcher(exporter, resource, limits(512));
    const [first, second] = fc.sample(record, { numRuns: 2, seed: 9 });
    batcher.record(...first);
    await batcher.shutdown();
    batcher.record(...second);
    await batcher.forceFlush();
    expect(exporter.shutDown).toBe(true);
    expect(exporter.batches.map((b) => b.spans)).toEqual([1]);
  });
});
