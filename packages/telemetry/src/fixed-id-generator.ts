import { RandomIdGenerator, type IdGenerator } from "@opentelemetry/sdk-trace-node";

/**
 * Random ids, except for the one span started inside `withIds`: a flow run's root span must carry
 * the ids every other process derived from the run's UUID (flow-run-trace.ts). The SDK draws a
 * new span's ids synchronously inside startSpan, so setting them just around that call is safe.
 */
export class FixedIdGenerator implements IdGenerator {
  private readonly random = new RandomIdGenerator();
  private traceId: string | undefined;
  private spanId: string | undefined;

  generateTraceId(): string {
    const id = this.traceId;
    this.traceId = undefined;
    return id ?? this.random.generateTraceId();
  }

  generateSpanId(): string {
    const id = this.spanId;
    this.spanId = undefined;
    return id ?? this.random.generateSpanId();
  }

  withIds<T>(traceId: string, spanId: string, start: () => T): T {
    this.traceId = traceId;
    this.spanId = spanId;
    try {
      return start();
    } finally {
      this.traceId = undefined;
      this.spanId = undefined;
    }
  }
}
