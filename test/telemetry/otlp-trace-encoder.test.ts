// The one-pass OTLP/protobuf encoder against the OpenTelemetry transformer's serializer: for any
// batch of finished spans the bytes must be the same, so a collector cannot tell which wrote them.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { ProtobufTraceSerializer } from "@opentelemetry/otlp-transformer";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-node";
import { encodeTraceExportRequest } from "../../packages/telemetry/src/otlp-trace-encoder.js";

type Attrs = ReadableSpan["attributes"];

const hex = (bytes: number) => fc.uint8Array({ minLength: bytes, maxLength: bytes }).map((b) => Buffer.from(b).toString("hex"));
const hrTime = fc.tuple(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 999_999_999 })) as fc.Arbitrary<[number, number]>;
const text = fc.oneof(fc.string(), fc.string({ unit: "grapheme" }), fc.string({ minLength: 100, maxLength: 400 }));
const primitive = fc.oneof(
  text,
  fc.boolean(),
  fc.integer(),
  fc.constantFrom(0, -1, 2 ** 32, 2 ** 53, -(2 ** 53), 2 ** 62, -(2 ** 63), 2 ** 63, 1.5, -0, Number.NaN, Infinity),
  fc.double(),
  fc.maxSafeInteger(),
  fc.uint8Array({ maxLength: 40 }),
);
// Attribute values as OpenTelemetry allows them, and the nested arrays and maps the serializer also takes.
const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: "small" }, primitive, fc.array(tie("value"), { maxLength: 4 }), fc.dictionary(fc.string(), tie("value"), { maxKeys: 3 }), fc.constant(undefined), fc.constant(null)),
})).value;
const attributes = fc.dictionary(fc.string({ maxLength: 30 }), value, { maxKeys: 8 }) as fc.Arbitrary<Attrs>;
const traceState = fc.option(
  fc.string({ minLength: 0, maxLength: 20 }).map((s) => ({ serialize: () => s })),
  { nil: undefined },
);
const spanContext = fc.record({ traceId: hex(16), spanId: hex(8), traceFlags: fc.integer({ min: 0, max: 255 }), isRemote: fc.option(fc.boolean(), { nil: undefined }), traceState });
const event = fc.record({ name: text, time: hrTime, attributes: fc.option(attributes, { nil: undefined }), droppedAttributesCount: fc.option(fc.nat(), { nil: undefined }) });
const link = fc.record({ context: spanContext, attributes: fc.option(attributes, { nil: undefined }), droppedAttributesCount: fc.option(fc.nat(), { nil: undefined }) });

const resources = [
  { attributes: { "service.name": "ecsflow-server" } },
  { attributes: { "service.name": "ecsflow-worker", "host.name": "ip-10-0-0-1", pid: 4242 }, schemaUrl: "https://opentelemetry.io/schemas/1.30.0" },
  { attributes: {} },
];
const scopes = [{ name: "ecsflow.server" }, { name: "ecsflow.worker", version: "0.1.0", schemaUrl: "https://example.com/s" }, { name: "ünïcode", attributes: { a: 1 }, droppedAttributesCount: 2 }];

const span = fc
  .record({
    context: spanContext,
    parent: fc.option(spanContext, { nil: undefined }),
    name: text,
    kind: fc.option(fc.integer({ min: 0, max: 4 }), { nil: undefined }),
    startTime: hrTime,
    endTime: hrTime,
    attributes,
    droppedAttributesCount: fc.nat({ max: 1000 }),
    events: fc.array(event, { maxLength: 3 }),
    droppedEventsCount: fc.nat({ max: 3 }),
    links: fc.array(link, { maxLength: 2 }),
    droppedLinksCount: fc.nat({ max: 3 }),
    status: fc.record({ code: fc.integer({ min: 0, max: 2 }), message: fc.option(text, { nil: undefined }) }),
    resource: fc.nat({ max: resources.length - 1 }),
    scope: fc.nat({ max: scopes.length - 1 }),
  })
  .map(
    ({ context, parent, resource, scope, ...rest }) =>
      ({ ...rest, spanContext: () => context, parentSpanContext: parent, resource: resources[resource], instrumentationScope: scopes[scope], duration: [0, 0], ended: true }) as unknown as ReadableSpan,
  );

const libraryBytes = (spans: ReadableSpan[]) => Buffer.from(ProtobufTraceSerializer.serializeRequest(spans)!);

describe("OTLP trace encoder", () => {
  it("writes the same bytes as the OpenTelemetry transformer for any batch of spans", () => {
    fc.assert(
      fc.property(fc.array(span, { maxLength: 12 }), (spans) => {
        expect(Buffer.from(encodeTraceExportRequest(spans))).toEqual(libraryBytes(spans));
      }),
      { numRuns: 400 },
    );
  });

  it("writes a full batch, whose lengths take three bytes, as the transformer does", () => {
    const spans = fc.sample(span, { numRuns: 512, seed: 7 });
    const body = encodeTraceExportRequest(spans);
    expect(body.length).toBeGreaterThan(0x4000);
    expect(Buffer.from(body)).toEqual(libraryBytes(spans));
    // The encoder reuses one buffer: a body still being sent must not change under the next export.
    const copy = Buffer.from(body);
    encodeTraceExportRequest(spans.slice(0, 3));
    expect(Buffer.from(body)).toEqual(copy);
  });

  it("writes an empty request for no spans", () => {
    expect(encodeTraceExportRequest([]).length).toBe(0);
    expect(libraryBytes([]).length).toBe(0);
  });
});
