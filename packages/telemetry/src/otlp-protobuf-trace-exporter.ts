import { OTLPExporterBase } from "@opentelemetry/otlp-exporter-base";
import { convertLegacyHttpOptions, createOtlpHttpExportDelegate } from "@opentelemetry/otlp-exporter-base/node-http";
import { ProtobufTraceSerializer, TraceExporterMetricsHelper, type ISerializer } from "@opentelemetry/otlp-transformer";
import type { ReadableSpan, SpanExporter } from "@opentelemetry/sdk-trace-node";
import { encodeTraceExportRequest } from "./otlp-trace-encoder.js";

type ExportResponse = ReturnType<typeof ProtobufTraceSerializer.deserializeResponse>;

// The request written in one pass (otlp-trace-encoder.ts); the collector's answer read by the transformer package.
const serializer: ISerializer<ReadableSpan[], ExportResponse> = {
  serializeRequest: encodeTraceExportRequest,
  deserializeResponse: (data) => ProtobufTraceSerializer.deserializeResponse(data),
};

/**
 * OTLP/HTTP with protobuf bodies, the OTLP default: the HTTP exporter package sends JSON only,
 * which costs the server more per span (larger bodies, more to stringify). Built from the same
 * transport package that exporter uses.
 */
export class OtlpProtobufTraceExporter extends OTLPExporterBase<ReadableSpan[]> implements SpanExporter {
  constructor(config: { url: string; headers: Record<string, string> }) {
    super(
      createOtlpHttpExportDelegate(
        convertLegacyHttpOptions(config, "TRACES", "v1/traces", { "Content-Type": "application/x-protobuf" }),
        serializer,
        "otlp_http_span_exporter",
        TraceExporterMetricsHelper,
        undefined,
      ),
    );
  }
}
