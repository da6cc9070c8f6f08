import { diag } from "@opentelemetry/api";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-node";
import type { FinishedSpan } from "./finished-span.js";
import { ProtobufBuffer, encodeEncodedSpansRequest, writeFinishedSpan, type EncodedScopeSpans } from "./otlp-trace-encoder.js";
import type { EncodedSpanBatch } from "./otlp-protobuf-trace-exporter.js";

type Resource = ReadableSpan["resource"];

/** Where sealed batches go: the OTLP exporter's export, flush and shutdown. */
export interface EncodedSpanBatchExporter {
  export(batch: EncodedSpanBatch, done: (result: { code: number; error?: Error }) => void): void;
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
}

/** OTEL_BSP_*: how long a span may wait, how many go in one export, how many may wait in all. */
export interface BatchLimits {
  scheduledDelayMillis: number;
  maxExportBatchSize: number;
  maxQueueSize: number;
}

const EXPORT_SUCCESS = 0;

interface ScopeBatch extends EncodedScopeSpans {
  count: number;
}

/**
 * The batch span processor's job for spans recorded after the fact (the server's set_state
 * spans), with each span written as protobuf the moment it is recorded. Through the SDK every such
 * span was an object graph (a span, three hrtimes, two contexts, a status) held until its batch
 * was exported: often long enough to outlive V8's young generation, so that only a full mark
 * frees it. Here a span is its bytes in one reused buffer per scope, and a batch's request is
 * those bytes behind the resource's and scopes' headers: the same body the SDK's path sends
 * (test/telemetry/encoded-span-batcher.test.ts).
 * Like the SDK's processor it exports one batch at a time, at most maxExportBatchSize spans each,
 * after scheduledDelayMillis at the latest, and drops spans past maxQueueSize waiting.
 */
export class EncodedSpanBatcher {
  private readonly scopes = new Map<string, ScopeBatch>();
  /** The scopes with spans in the open batch, in the order first recorded (the SDK's grouping order). */
  private readonly open: ScopeBatch[] = [];
  private openCount = 0;
  private readonly sealed: EncodedSpanBatch[] = [];
  private sealedCount = 0;
  private exporting: Promise<void> | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private dropped = 0;
  private stopped = false;

  constructor(
    private readonly exporter: EncodedSpanBatchExporter,
    private readonly resource: Resource,
    private readonly limits: BatchLimits,
  ) {}

  record(tracer: string, span: FinishedSpan): void {
    if (this.stopped) return;
    if (this.openCount + this.sealedCount >= this.limits.maxQueueSize) {
      if (this.dropped++ === 0) diag.debug("ecsflow tracing: span queue full (OTEL_BSP_MAX_QUEUE_SIZE), dropping spans");
      return;
    }
    let scope = this.scopes.get(tracer);
    if (!scope) this.scopes.set(tracer, (scope = { scope: { name: tracer }, spans: new ProtobufBuffer(16 * 1024), count: 0 }));
    if (scope.count === 0) this.open.push(scope);
    writeFinishedSpan(scope.spans, span);
    scope.count++;
    if (++this.openCount >= this.limits.maxExportBatchSize) {
      this.seal();
      this.pump();
    } else if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.seal();
        this.pump();
      }, this.limits.scheduledDelayMillis);
      // A process with nothing else to do may exit: shutdown flushes what is left.
      this.timer.unref();
    }
  }

  /** Spans dropped because the queue was full, since this batcher started. */
  get droppedSpans(): number {
    return this.dropped;
  }

  /** Exports every span recorded so far; resolves when the last export has settled. */
  async forceFlush(): Promise<void> {
    this.seal();
    this.pump();
    while (this.exporting) await this.exporting;
    await this.exporter.forceFlush();
  }

  async shutdown(): Promise<void> {
    if (this.stopped) return;
    await this.forceFlush();
    this.stopped = true;
    await this.exporter.shutdown();
  }

  private seal(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.openCount === 0) return;
    const body = encodeEncodedSpansRequest(this.resource, this.open);
    for (const scope of this.open) {
      scope.spans.pos = 0;
      scope.count = 0;
    }
    this.sealed.push({ body, spans: this.openCount });
    this.sealedCount += this.openCount;
    this.open.length = 0;
    this.openCount = 0;
  }

  /** Starts the next sealed batch's export unless one is under way; each settled export starts the next. */
  private pump(): void {
    if (this.exporting) return;
    const batch = this.sealed.shift();
    if (!batch) return;
    this.exporting = new Promise<void>((resolve) => {
      const settle = (error?: Error) => {
        this.sealedCount -= batch.spans;
        if (error) diag.error(`ecsflow tracing: exporting ${batch.spans} spans failed: ${error.message}`);
        resolve();
      };
      try {
        this.exporter.export(batch, (result) => settle(result.code === EXPORT_SUCCESS ? undefined : (result.error ?? new Error("the exporter gave no reason"))));
      } catch (err) {
        settle(err as Error);
      }
    }).finally(() => {
      this.exporting = undefined;
      this.pump();
    });
  }
}
