import type { Attributes, HrTime } from "@opentelemetry/api";

/** A span that already happened: its ids, times (epoch ms) and attributes known when it is written. */
export interface FinishedSpan {
  name: string;
  traceId: string;
  /** Absent: a new random id, made where the span is written (for protobuf, straight into the request). */
  spanId?: string;
  /** Absent for a trace's root span. */
  parentSpanId?: string;
  startTime: number;
  endTime: number;
  attributes: Attributes;
  /** Marks the span failed, with this message. */
  error?: string;
}

/** Epoch milliseconds as OpenTelemetry's [seconds, nanoseconds]. */
export function hrTimeOfMillis(ms: number): HrTime {
  const seconds = Math.floor(ms / 1000);
  return [seconds, Math.round((ms - seconds * 1000) * 1e6)];
}

/** A span's end, never before its start (two clock reads can go backwards). */
export const endTimeOf = (span: FinishedSpan): number => Math.max(span.endTime, span.startTime);
