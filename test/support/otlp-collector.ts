// An in-process OTLP/HTTP trace receiver: POST /v1/traces with a JSON ExportTraceServiceRequest
// (what @opentelemetry/exporter-trace-otlp-http sends), flattened into spans tests can query.

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

export class OtlpCollector {
  readonly spans: ReceivedSpan[] = [];
  requests = 0;
  private constructor(private readonly server: Server, readonly url: string) {}

  static async start(): Promise<OtlpCollector> {
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
        collector.requests++;
        try {
          collector.receive(JSON.parse(Buffer.concat(chunks).toString("utf8")));
          res.writeHead(200, { "content-type": "application/json" }).end("{}");
        } catch {
          res.writeHead(400).end();
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    received.collector = new OtlpCollector(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return received.collector;
  }

  private receive(body: { resourceSpans?: { resource?: { attributes?: KeyValue[] }; scopeSpans?: { scope?: { name?: string }; spans?: Record<string, any>[] }[] }[] }): void {
    for (const rs of body.resourceSpans ?? []) {
      const service = String(attributesOf(rs.resource?.attributes)["service.name"] ?? "");
      for (const ss of rs.scopeSpans ?? []) {
        for (const s of ss.spans ?? []) {
          this.spans.push({
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
