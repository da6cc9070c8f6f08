import type { LogCreate } from "./ecsflow-client.js";

export interface LogBatcherOptions {
  /** Sends one batch; may throw (the batch is then retried at the next flush, within the memory cap). */
  send(logs: LogCreate[]): Promise<void>;
  /** Flush at least this often. */
  flushIntervalMs?: number;
  /** Flush as soon as this many logs are waiting. */
  maxBatchSize?: number;
  /** Bound on waiting logs; past it the oldest are dropped and counted (a flow must never OOM on logs). */
  maxPending?: number;
  /** Told about failures and drops (never rethrown: logging must not break a run). */
  onError?: (err: unknown, info: { pending: number; dropped: number }) => void;
}

/**
 * Collects run logs and ships them in batches, so a chatty flow costs one request a second instead
 * of one per line. Memory is bounded; `close()` flushes what is left.
 */
export class LogBatcher {
  private pending: LogCreate[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private closed = false;
  dropped = 0;
  sent = 0;
  private readonly flushIntervalMs: number;
  private readonly maxBatchSize: number;
  private readonly maxPending: number;

  constructor(private readonly options: LogBatcherOptions) {
    this.flushIntervalMs = options.flushIntervalMs ?? 1000;
    this.maxBatchSize = options.maxBatchSize ?? 200;
    this.maxPending = options.maxPending ?? 10_000;
  }

  add(log: LogCreate): void {
    if (this.closed) return;
    this.pending.push(log);
    this.trim();
    if (this.pending.length >= this.maxBatchSize) void this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        void this.flush();
      }, this.flushIntervalMs);
      this.timer.unref?.();
    }
  }

  /** Sends everything waiting (one batch at a time, in order). Never rejects. */
  flush(): Promise<void> {
    this.flushing ??= this.drain().finally(() => {
      this.flushing = undefined;
    });
    return this.flushing;
  }

  private async drain(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, this.maxBatchSize);
      if (!(await this.sendBatch(batch))) break;
    }
    if (this.pending.length > 0 && !this.timer && !this.closed) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        void this.flush();
      }, this.flushIntervalMs);
      this.timer.unref?.();
    }
  }

  private async sendBatch(batch: LogCreate[]): Promise<boolean> {
    try {
      await this.options.send(batch);
      this.sent += batch.length;
      return true;
    } catch (err) {
      // Put the batch back in front so order holds; the cap still applies.
      this.pending.unshift(...batch);
      this.trim();
      this.options.onError?.(err, { pending: this.pending.length, dropped: this.dropped });
      return false;
    }
  }

  private trim(): void {
    if (this.pending.length > this.maxPending) {
      const over = this.pending.length - this.maxPending;
      this.pending.splice(0, over);
      this.dropped += over;
    }
  }

  /** Flushes and stops; later `add`s are ignored. */
  async close(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.flush();
    this.closed = true;
  }

  get pendingCount(): number {
    return this.pending.length;
  }
}
