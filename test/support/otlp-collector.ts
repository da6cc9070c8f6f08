// An in-process OTLP/HTTP trace receiver: POST /v1/traces with an ExportTraceServiceRequest, as
// JSON or protobuf (by Content-Type), flattened into spans tests can query. The protobuf reader
// knows only the fields read here (opentelemetry-proto's trace.proto numbers).

import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface ReceivedSpan {
  service: string;
  scope: string;
  traceId: string;
  spanId: string;
  parentSpanId: string | undefined;
  name: string;
  kind: number;
  startMs: number;
  endMs: number;
  attributes: Record<string, string | number | boolean>;
  status: { code: number; message?: string };
}

interface AnyValue {
  stringValue?: string;
  intValue?: string | number;
  doubleValue?: number;
  boolValue?: boolean;
}
interface KeyValue {
  key: string;
  value: AnyValue;
}

const valueOf = (v: AnyValue): string | number | boolean => v.stringValue ?? (v.intValue !== undefined ? Number(v.intValue) : (v.doubleValue ?? v.boolValue ?? ""));
const attributesOf = (list: KeyValue[] | undefined) => Object.fromEntries((list ?? []).map((kv) => [kv.key, valueOf(kv.value)]));
/** OTLP/JSON ids are hex; base64 (the protobuf JSON mapping) is accepted too. */
const idOf = (id: string | undefined, bytes: number) => (!id ? undefined : new RegExp(`^[0-9a-f]{${bytes * 2}}$`).test(id) ? id : Buffer.from(id, "base64").toString("hex")) || undefined;
const ms = (nanos: string | number) => Number(BigInt(nanos) / 1_000_000n);

export interface OtlpCollectorOptions {
  /**
   * Keep the bodies and decode them when `spans` is first read: a benchmark whose collector shares
   * a core with its clients would otherwise slow the clients while tracing is on, and so change
   * the load on the server it measures. A body that does not decode then throws from `spans`
   * instead of being answered with a 400.
   */
  decodeWhenRead?: boolean;
}

export class OtlpCollector {
  private readonly decoded: ReceivedSpan[] = [];
  private readonly pending: { contentType: string; body: Buffer }[] = [];
  requests = 0;
  /** The Content-Types of the requests received, each once. */
  readonly contentTypes = new Set<string>();
  private constructor(private readonly server: Server, readonly url: string, private readonly options: OtlpCollectorOptions) {}

  get spans(): ReceivedSpan[] {
    for (const { contentType, body } of this.pending.splice(0)) this.decode(contentType, body);
    return this.decoded;
  }

  static async start(options: OtlpCollectorOptions = {}): Promise<OtlpCollector> {
    const received = { collector: undefined as OtlpCollector | undefined };
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        if (req.method !== "POST" || req.url !== "/v1/traces") {
          res.writeHead(404).end();
          return;
        }
        const collector = received.collector!;
        const contentType = String(req.headers["content-type"]);
        collector.requests++;
        collector.contentTypes.add(contentType);
        try {
          const body = Buffer.concat(chunks);
          if (collector.options.decodeWhenRead) collector.pending.push({ contentType, body });
          else collector.decode(contentType, body);
          res.writeHead(200, { "content-type": "application/json" }).end("{}");
        } catch {
          res.writeHead(400).end();
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    received.collector = new OtlpCollector(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`, options);
    return received.collector;
  }

  private decode(contentType: string, body: Buffer): void {
    this.receive(contentType.startsWith("application/x-protobuf") ? decodeRequest(body) : JSON.parse(body.toString("utf8")));
  }

  private receive(body: { resourceSpans?: { resource?: { attributes?: KeyValue[] }; scopeSpans?: { scope?: { name?: string }; spans?: Record<string, any>[] }[] }[] }): void {
    for (const rs of body.resourceSpans ?? []) {
      const service = String(attributesOf(rs.resource?.attributes)["service.name"] ?? "");
      for (const ss of rs.scopeSpans ?? []) {
        for (const s of ss.spans ?? []) {
          this.decoded.push({
            service,
            scope: ss.scope?.name ?? "",
            traceId: idOf(s.traceId, 16)!,
            spanId: idOf(s.spanId, 8)!,
            parentSpanId: idOf(s.parentSpanId, 8),
            name: s.name,
            kind: s.kind,
            startMs: ms(s.startTimeUnixNano),
            endMs: ms(s.endTimeUnixNano),
            attributes: attributesOf(s.attributes),
            status: { code: s.status?.code ?? 0, message: s.status?.message },
          });
        }
      }
    }
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** Length-delimited and varint fields of one protobuf message, by field number. */
function fields(buf: Buffer): Map<number, (Buffer | bigint)[]> {
  const out = new Map<number, (Buffer | bigint)[]>();
  let i = 0;
  const varint = () => {
    let v = 0n;
    for (let shift = 0n; ; shift += 7n) {
      const b = buf[i++];
      v |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) return v;
    }
  };
  while (i < buf.length) {
    const tag = Number(varint());
    const [field, wire] = [tag >>> 3, tag & 7];
    let value: Buffer | bigint;
    if (wire === 0) value = varint();
    else if (wire === 1) {
      value = buf.readBigUInt64LE(i);
      i += 8;
    } else if (wire === 5) {
      value = BigInt(buf.readUInt32LE(i));
      i += 4;
    } else if (wire === 2) {
      const n = Number(varint());
      value = buf.subarray(i, i + n);
      i += n;
    } else throw new Error(`protobuf wire type ${wire} not supported`);
    out.set(field, [...(out.get(field) ?? []), value]);
  }
  return out;
}

const bytes = (f: Map<number, (Buffer | bigint)[]>, n: number) => (f.get(n) ?? []).filter((v): v is Buffer => Buffer.isBuffer(v));
const str = (f: Map<number, (Buffer | bigint)[]>, n: number) => bytes(f, n)[0]?.toString("utf8");
const num = (f: Map<number, (Buffer | bigint)[]>, n: number) => f.get(n)?.find((v): v is bigint => typeof v === "bigint");

function keyValues(list: Buffer[]): KeyValue[] {
  return list.map((b) => {
    const kv = fields(b);
    const v = fields(bytes(kv, 2)[0] ?? Buffer.alloc(0));
    const value: AnyValue = v.has(1) ? { stringValue: str(v, 1) } : v.has(2) ? { boolValue: num(v, 2) === 1n } : v.has(3) ? { intValue: String(num(v, 3)) } : {};
    return { key: str(kv, 1) ?? "", value };
  });
}

/** ExportTraceServiceRequest (protobuf) in the JSON mapping's shape, ids as hex. */
export function decodeRequest(body: Buffer) {
  return {
    resourceSpans: bytes(fields(body), 1).map((rsBuf) => {
      const rs = fields(rsBuf);
      return {
        resource: { attributes: keyValues(bytes(fields(bytes(rs, 1)[0] ?? Buffer.alloc(0)), 1)) },
        scopeSpans: bytes(rs, 2).map((ssBuf) => {
          const ss = fields(ssBuf);
          return {
            scope: { name: str(fields(bytes(ss, 1)[0] ?? Buffer.alloc(0)), 1) },
            spans: bytes(ss, 2).map((spanBuf) => {
              const sp = fields(spanBuf);
              const status = fields(bytes(sp, 15)[0] ?? Buffer.alloc(0));
              return {
                traceId: bytes(sp, 1)[0]?.toString("hex"),
                spanId: bytes(sp, 2)[0]?.toString("hex"),
                parentSpanId: bytes(sp, 4)[0]?.toString("hex") || undefined,
                name: str(sp, 5),
                kind: Number(num(sp, 6) ?? 0n),
                startTimeUnixNano: String(num(sp, 7) ?? 0n),
                endTimeUnixNano: String(num(sp, 8) ?? 0n),
                attributes: keyValues(bytes(sp, 9)),
                status: { code: Number(num(status, 3) ?? 0n), message: str(status, 2) },
              };
            }),
          };
        }),
      };
    }),
  };
}
