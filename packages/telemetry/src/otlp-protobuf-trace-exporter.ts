import { OTLPExporterBase } from "@opentelemetry/otlp-exporter-base";
import { convertLegacyHttpOptions, createOtlpHttpExportDelegate } from "@opentelemetry/otlp-exporter-base/node-http";
import { ProtobufTraceSerializer, TraceExporterMetricsHelper, type IExporterMetricsHelper, type ISerializer } from "@opentelemetry/otlp-transformer";
import type { ReadableSpan, SpanExporter } from "@opentelemetry/sdk-trace-node";
import { encodeTraceExportRequest } from "./otlp-trace-encoder.js";

type ExportResponse = ReturnType<typeof ProtobufTraceSerializer.deserializeResponse>;
interface ExporterConfig {
  url: string;
  headers: Record<string, string>;
}

/** A request body already encoded (encoded-span-batcher.ts) and how many spans it holds. */
export interface EncodedSpanBatch {
  readonly body: Uint8Array;
  readonly spans: number;
}

// The collector's answer is read by the transformer package either way.
const deserializeResponse = (data: Uint8Array) => ProtobufTraceSerializer.deserializeResponse(data);

function protobufDelegate<T>(config: ExporterConfig, serializeRequest: (items: T) => Uint8Array, metrics: IExporterMetricsHelper<T>) {
  const serializer: ISerializer<T, ExportResponse> = { serializeRequest, deserializeResponse };
  return createOtlpHttpExportDelegate(
    convertLegacyHttpOptions(config, "TRACES", "v1/traces", { "Content-Type": "application/x-protobuf" }),
    serializer,
    "otlp_http_span_exporter",
    metrics,
    undefined,
  );
}

/**
 * OTLP/HTTP with protobuf bodies, the OTLP default: the HTTP exporter package sends JSON only,
 * which costs the server more per span (larger bodies, more to stringify). Built from the same
 * transport package that exporter uses; the request written in one pass (otlp-trace-encoder.ts).
 */
export class OtlpProtobufTraceExporter extends OTLPExporterBase<ReadableSpan[]> implements SpanExporter {
  constructor(config: ExporterConfig) {
    super(protobufDelegate(config, encodeTraceExportRequest, TraceExporterMetricsHelper));
  }
}

/** The same transport (retries, timeout, headers) for bodies encoded before export. */
export class OtlpProtobufEncodedSpansExporter extends OTLPExporterBase<EncodedSpanBatch> {
  constructor(config: ExporterConfig) {
    super(protobufDelegate(config, (batch) => batch.body, { name: "span", countItems: (batch) => batch.spans }));
  }
}
