import { SpanKind, SpanStatusCode, TraceFlags, type AttributeValue, type Attributes, type HrTime, type SpanContext } from "@opentelemetry/api";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-node";
import { endTimeOf, type FinishedSpan } from "./finished-span.js";

// An OTLP ExportTraceServiceRequest in protobuf, written in one pass. The transformer package's
// serializer walks every span twice (a size estimate, then the write) and turns each hex id into
// a new byte array first; at full sampling that was over half of what tracing cost set_state.
// This writes straight into one growing buffer and fixes up each message's length when it ends.
// Field order, and which empty fields are still written, follow that serializer exactly, so the
// bytes are the same (test/telemetry/otlp-trace-encoder.test.ts compares them): a collector sees
// no difference.

type Resource = ReadableSpan["resource"];
type Scope = ReadableSpan["instrumentationScope"] & { attributes?: Attributes; droppedAttributesCount?: number };
type TimedEvent = ReadableSpan["events"][number];
type Link = ReadableSpan["links"][number];

const LENGTH_DELIMITED = 2;
const VARINT = 0;
const FIXED64 = 1;
const FIXED32 = 5;
const INT64_MIN = -(2 ** 63);
const INT64_END = 2 ** 63;
// OTLP span flags: the W3C trace flags, plus whether the parent's remoteness is known and is remote.
const HAS_IS_REMOTE = 0x100;
const IS_REMOTE = 0x200;

const varintSize = (v: number) => (v < 0x80 ? 1 : v < 0x4000 ? 2 : v < 0x200000 ? 3 : v < 0x10000000 ? 4 : 5);
const hexDigit = (c: number) => (c <= 57 ? c - 48 : (c | 0x20) - 87);

export class ProtobufBuffer {
  buf: Uint8Array;
  private view: DataView;
  pos = 0;
  private readonly utf8 = new TextEncoder();

  constructor(size: number) {
    this.buf = new Uint8Array(size);
    this.view = new DataView(this.buf.buffer);
  }

  reserve(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  /** A 32-bit unsigned varint (tags, lengths, counts, enums). */
  uint32(value: number): void {
    this.reserve(5);
    this.pos = this.varintAt(this.pos, value >>> 0);
  }

  /** Writes `value` (32-bit unsigned) as a varint at `at`; returns where it ends. */
  private varintAt(at: number, value: number): number {
    let v = value;
    while (v > 0x7f) {
      this.buf[at++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    this.buf[at] = v;
    return at + 1;
  }

  /** An int64 varint from a JS integer: negative ones as two's complement, ten bytes. */
  int64(value: number): void {
    if (value >= 0 && value <= 0xffffffff) return this.uint32(value);
    this.reserve(10);
    const abs = Math.abs(value);
    let low = abs >>> 0;
    let high = (abs / 0x100000000) >>> 0;
    if (value < 0) {
      low = (~low + 1) >>> 0;
      high = (~high + (low === 0 ? 1 : 0)) >>> 0;
    }
    while (high > 0 || low > 0x7f) {
      this.buf[this.pos++] = (low & 0x7f) | 0x80;
      low = ((low >>> 7) | (high << 25)) >>> 0;
      high >>>= 7;
    }
    this.buf[this.pos++] = low;
  }

  tag(field: number, wireType: number): void {
    this.uint32((field << 3) | wireType);
  }

  fixed32(value: number): void {
    this.reserve(4);
    this.view.setUint32(this.pos, value >>> 0, true);
    this.pos += 4;
  }

  /** Nanoseconds since the epoch as fixed64, exact: seconds × 1e9 passes 2^53, so it is summed in 32-bit halves. */
  hrTime(seconds: number, nanos: number): void {
    const lowPart = (seconds % 0x10000) * 1e9 + nanos; // < 2^53
    const highPart = Math.floor(seconds / 0x10000) * 1e9; // times 2^16 below
    const low = (highPart % 0x10000) * 0x10000 + (lowPart % 0x100000000);
    const high = Math.floor(highPart / 0x10000) + Math.floor(lowPart / 0x100000000) + Math.floor(low / 0x100000000);
    this.reserve(8);
    this.view.setUint32(this.pos, low >>> 0, true);
    this.view.setUint32(this.pos + 4, high >>> 0, true);
    this.pos += 8;
  }

  double(value: number): void {
    this.reserve(8);
    this.view.setFloat64(this.pos, value, true);
    this.pos += 8;
  }

  string(value: string): void {
    const length = value.length;
    this.uint32(length);
    this.reserve(length);
    const start = this.pos;
    const buf = this.buf;
    for (let i = 0; i < length; i++) {
      const c = value.charCodeAt(i);
      if (c > 0x7f) {
        // Not ASCII: the length written is wrong too, so rewind to before it.
        this.pos = start - varintSize(length);
        return this.bytes(this.utf8.encode(value));
      }
      buf[start + i] = c;
    }
    this.pos = start + length;
  }

  bytes(value: Uint8Array): void {
    this.uint32(value.length);
    this.reserve(value.length);
    this.buf.set(value, this.pos);
    this.pos += value.length;
  }

  /** A trace or span id given in hex, as bytes, without an array in between. */
  hexBytes(hex: string): void {
    const length = hex.length >>> 1;
    this.uint32(length);
    this.reserve(length);
    const buf = this.buf;
    for (let i = 0; i < length; i++) buf[this.pos++] = (hexDigit(hex.charCodeAt(2 * i)) << 4) | hexDigit(hex.charCodeAt(2 * i + 1));
  }

  /** Starts a length-delimited message, leaving `reserved` bytes for its length; returns where. */
  begin(reserved = 1): number {
    this.reserve(reserved);
    const at = this.pos;
    this.pos += reserved;
    return at;
  }

  /** Writes the message's length where it began, moving the message when the length's varint is not `reserved` bytes. */
  end(at: number, reserved = 1): void {
    const length = this.pos - at - reserved;
    const size = varintSize(length);
    if (size !== reserved) {
      this.reserve(size - reserved);
      this.buf.copyWithin(at + size, at + reserved, this.pos);
      this.pos += size - reserved;
    }
    this.varintAt(at, length);
  }

  // A field is its tag, then its value: these write both.

  stringField(field: number, value: string): void {
    this.tag(field, LENGTH_DELIMITED);
    this.string(value);
  }

  uint32Field(field: number, value: number): void {
    this.tag(field, VARINT);
    this.uint32(value);
  }

  hrTimeField(field: number, time: HrTime): void {
    this.tag(field, FIXED64);
    this.hrTime(time[0], time[1]);
  }

  /** Epoch milliseconds as an hrtime field, rounded to the nanosecond as hrTimeOfMillis does. */
  millisField(field: number, ms: number): void {
    this.tag(field, FIXED64);
    const seconds = Math.floor(ms / 1000);
    this.hrTime(seconds, Math.round((ms - seconds * 1000) * 1e6));
  }

  hexBytesField(field: number, hex: string): void {
    this.tag(field, LENGTH_DELIMITED);
    this.hexBytes(hex);
  }

  /** A new random 8-byte span id, never all zero, written as bytes without a hex string in between. */
  randomIdField(field: number): void {
    this.tag(field, LENGTH_DELIMITED);
    this.uint32(8);
    this.reserve(8);
    const high = (Math.random() * 0x100000000) >>> 0;
    // All zero is the invalid span id: the low half is then 1.
    const low = (Math.random() * 0x100000000) >>> 0 || (high === 0 ? 1 : 0);
    this.view.setUint32(this.pos, high);
    this.view.setUint32(this.pos + 4, low);
    this.pos += 8;
  }

  fixed32Field(field: number, value: number): void {
    this.tag(field, FIXED32);
    this.fixed32(value);
  }

  /** Starts a length-delimited field (a nested message); end it with end(returned, reserved). */
  beginField(field: number, reserved = 1): number {
    this.tag(field, LENGTH_DELIMITED);
    return this.begin(reserved);
  }
}

function writeAnyValue(w: ProtobufBuffer, value: AttributeValue | Attributes | null | undefined): void {
  switch (typeof value) {
    case "string":
      return w.stringField(1, value);
    case "boolean":
      return w.uint32Field(2, value ? 1 : 0);
    case "number":
      // An integer int64 holds (powers of two past 2^53 included) is int_value; any other number double_value.
      if (Number.isInteger(value) && value >= INT64_MIN && value < INT64_END) {
        w.tag(3, VARINT);
        return w.int64(value);
      }
      w.tag(4, FIXED64);
      return w.double(value);
  }
  if (value instanceof Uint8Array) {
    w.tag(7, LENGTH_DELIMITED);
    return w.bytes(value);
  }
  if (Array.isArray(value)) {
    const array = w.beginField(5);
    for (const item of value) {
      const at = w.beginField(1);
      writeAnyValue(w, item);
      w.end(at);
    }
    return w.end(array);
  }
  if (typeof value === "object" && value !== null) {
    const list = w.beginField(6);
    writeAttributes(w, value as Attributes, 1);
    w.end(list);
  }
  // Anything else (undefined, a function) has no AnyValue: the value is left empty.
}

function writeAttributes(w: ProtobufBuffer, attributes: Attributes, field: number): void {
  for (const key in attributes) {
    if (!Object.prototype.hasOwnProperty.call(attributes, key)) continue;
    const kv = w.beginField(field);
    w.stringField(1, key);
    const value = w.beginField(2);
    writeAnyValue(w, attributes[key]);
    w.end(value);
    w.end(kv);
  }
}

function writeSpanContextIds(w: ProtobufBuffer, context: SpanContext): void {
  w.hexBytesField(1, context.traceId);
  w.hexBytesField(2, context.spanId);
  const traceState = context.traceState?.serialize();
  if (traceState) {
    w.stringField(3, traceState);
  }
}

const spanFlags = (traceFlags: number, isRemote: boolean | undefined) => (traceFlags & 0xff) | HAS_IS_REMOTE | (isRemote ? IS_REMOTE : 0);

/** A span's status (field 15): its message when it has one, then its code. */
function writeStatus(w: ProtobufBuffer, code: SpanStatusCode, message: string | undefined): void {
  const at = w.beginField(15);
  if (message) {
    w.stringField(2, message);
  }
  w.uint32Field(3, code);
  w.end(at);
}

function writeEvent(w: ProtobufBuffer, event: TimedEvent): void {
  const at = w.beginField(11);
  w.hrTimeField(1, event.time);
  w.stringField(2, event.name);
  if (event.attributes) writeAttributes(w, event.attributes, 3);
  w.uint32Field(4, event.droppedAttributesCount || 0);
  w.end(at);
}

function writeLink(w: ProtobufBuffer, link: Link): void {
  const at = w.beginField(13);
  writeSpanContextIds(w, link.context);
  if (link.attributes) writeAttributes(w, link.attributes, 4);
  w.uint32Field(5, link.droppedAttributesCount || 0);
  w.fixed32Field(6, spanFlags(link.context.traceFlags, link.context.isRemote));
  w.end(at);
}

function writeSpan(w: ProtobufBuffer, span: ReadableSpan): void {
  // Spans with attributes run past 127 bytes: two bytes for the length saves moving most of them.
  const at = w.beginField(2, 2);
  const context = span.spanContext();
  writeSpanContextIds(w, context);
  const parent = span.parentSpanContext;
  if (parent?.spanId) {
    w.hexBytesField(4, parent.spanId);
  }
  w.stringField(5, span.name);
  // OTLP's SpanKind counts from 1 (0 is unspecified); the API's from 0.
  const kind = span.kind == null ? 0 : span.kind + 1;
  if (kind !== 0) {
    w.uint32Field(6, kind);
  }
  w.hrTimeField(7, span.startTime);
  w.hrTimeField(8, span.endTime);
  if (span.attributes) writeAttributes(w, span.attributes, 9);
  w.uint32Field(10, span.droppedAttributesCount || 0);
  for (const event of span.events) writeEvent(w, event);
  w.uint32Field(12, span.droppedEventsCount || 0);
  for (const link of span.links) writeLink(w, link);
  w.uint32Field(14, span.droppedLinksCount || 0);
  writeStatus(w, span.status.code, span.status.message);
  w.fixed32Field(16, spanFlags(context.traceFlags, parent?.isRemote));
  w.end(at, 2);
}

function writeScope(w: ProtobufBuffer, scope: Scope): void {
  const at = w.beginField(1);
  w.stringField(1, scope.name);
  if (scope.version) {
    w.stringField(2, scope.version);
  }
  if (scope.attributes) writeAttributes(w, scope.attributes, 3);
  if (scope.droppedAttributesCount) {
    w.uint32Field(4, scope.droppedAttributesCount);
  }
  w.end(at);
}

/** One ResourceSpans: the resource, then for each group its scope and the spans `writeSpans` writes for it. */
function writeResourceSpans<G>(w: ProtobufBuffer, resource: Resource, groups: Iterable<G>, scopeOf: (group: G) => Scope, writeSpans: (group: G) => void): void {
  // A batch is up to 512 spans: its length takes three bytes.
  const at = w.beginField(1, 3);
  const res = w.beginField(1);
  if (resource.attributes) writeAttributes(w, resource.attributes, 1);
  w.uint32Field(2, 0);
  w.end(res);
  for (const group of groups) {
    const scope = scopeOf(group);
    const scopeSpans = w.beginField(2, 3);
    writeScope(w, scope);
    writeSpans(group);
    if (scope.schemaUrl) {
      w.stringField(3, scope.schemaUrl);
    }
    w.end(scopeSpans, 3);
  }
  if (resource.schemaUrl) {
    w.stringField(3, resource.schemaUrl);
  }
  w.end(at, 3);
}

/** Spans grouped by resource, then by instrumentation scope, by identity, in the order first seen. */
function groupSpans(spans: readonly ReadableSpan[]): Map<Resource, Map<Scope, ReadableSpan[]>> {
  const resources = new Map<Resource, Map<Scope, ReadableSpan[]>>();
  for (const span of spans) {
    let scopes = resources.get(span.resource);
    if (!scopes) resources.set(span.resource, (scopes = new Map()));
    let list = scopes.get(span.instrumentationScope);
    if (!list) scopes.set(span.instrumentationScope, (list = []));
    list.push(span);
  }
  return resources;
}

/** One buffer for every export, grown to the largest batch: the body returned is a copy of the part written. */
const scratch = new ProtobufBuffer(64 * 1024);

/** The OTLP/protobuf ExportTraceServiceRequest for these spans. */
export function encodeTraceExportRequest(spans: readonly ReadableSpan[]): Uint8Array {
  scratch.pos = 0;
  for (const [resource, scopes] of groupSpans(spans)) {
    writeResourceSpans(
      scratch,
      resource,
      scopes,
      ([scope]) => scope,
      ([, list]) => {
        for (const span of list) writeSpan(scratch, span);
      },
    );
  }
  return scratch.buf.slice(0, scratch.pos);
}

/**
 * A span the server recorded after the fact, written as writeSpan writes the SDK's span built
 * from it (recorded-span.ts): an internal, sampled span, child of a remote parent when it has one,
 * with no events or links. The span's field tag is included, so spans encoded one by one can be
 * concatenated into a ScopeSpans.
 */
export function writeFinishedSpan(w: ProtobufBuffer, span: FinishedSpan): void {
  const at = w.beginField(2, 2);
  w.hexBytesField(1, span.traceId);
  if (span.spanId) w.hexBytesField(2, span.spanId);
  else w.randomIdField(2);
  const parent = span.parentSpanId;
  if (parent) {
    w.hexBytesField(4, parent);
  }
  w.stringField(5, span.name);
  w.uint32Field(6, SpanKind.INTERNAL + 1);
  w.millisField(7, span.startTime);
  w.millisField(8, endTimeOf(span));
  writeAttributes(w, span.attributes, 9);
  w.uint32Field(10, 0);
  w.uint32Field(12, 0);
  w.uint32Field(14, 0);
  writeStatus(w, span.error ? SpanStatusCode.ERROR : SpanStatusCode.UNSET, span.error);
  w.fixed32Field(16, spanFlags(TraceFlags.SAMPLED, parent ? true : undefined));
  w.end(at, 2);
}

/** Spans already encoded by writeFinishedSpan, for one scope of a batch. */
export interface EncodedScopeSpans {
  readonly scope: Scope;
  readonly spans: ProtobufBuffer;
}

/** The ExportTraceServiceRequest for one resource's spans, already encoded scope by scope. */
export function encodeEncodedSpansRequest(resource: Resource, scopes: readonly EncodedScopeSpans[]): Uint8Array {
  scratch.pos = 0;
  writeResourceSpans(
    scratch,
    resource,
    scopes,
    (group) => group.scope,
    ({ spans }) => {
      scratch.reserve(spans.pos);
      scratch.buf.set(spans.buf.subarray(0, spans.pos), scratch.pos);
      scratch.pos += spans.pos;
    },
  );
  return scratch.buf.slice(0, scratch.pos);
}
