import type { RunEvent } from "@ecsflow/schemas";

export interface DispatchWakeupsOptions {
  /** The worker's prefetch: a run due within this many seconds is polled for now. */
  prefetchSeconds: number;
  /** Poll for due runs now. */
  onDue(): void;
  /** Look for this pool's runs being cancelled now. */
  onCancelling(): void;
  now?: () => number;
}

// setTimeout holds at most ~24.8 days; further runs are found by the regular poll long before.
const MAX_TIMER_MS = 24 * 3600_000;
// Bounded, so a burst of far-future runs cannot grow it without limit; the poll finds the rest.
const MAX_PENDING = 1_000;
const TICK_MS = 20;

/**
 * Turns the server's run events into a worker's wake-ups: a run that is due (or due within the
 * prefetch) means poll now; a run due later arms a timer for its time (one timer, for the earliest); a run
 * being cancelled means check cancellations now; a run of the pool that finished may have freed
 * a concurrency slot, so poll. Events are hints, never trusted data: the poll decides.
 */
export class DispatchWakeups {
  private timer: NodeJS.Timeout | undefined;
  /** Future poll times, ascending; the timer is armed for the first. */
  private pending: number[] = [];
  private readonly now: () => number;

  constructor(private readonly options: DispatchWakeupsOptions) {
    this.now = options.now ?? Date.now;
  }

  handle(event: RunEvent): void {
    if (event.kind !== "flow_run") return;
    switch (event.state_type) {
      case "SCHEDULED":
        this.scheduled(Date.parse(event.scheduled_time ?? event.occurred));
        return;
      case "CANCELLING":
        this.options.onCancelling();
        return;
      case "COMPLETED":
      case "FAILED":
      case "CRASHED":
      case "CANCELLED":
        this.options.onDue();
        return;
      default:
        return;
    }
  }

  private scheduled(dueAt: number): void {
    const pollAt = (Number.isNaN(dueAt) ? this.now() : dueAt) - this.options.prefetchSeconds * 1000;
    if (pollAt <= this.now()) {
      this.options.onDue();
      return;
    }
    if (pollAt - this.now() > MAX_TIMER_MS) return;
    // Runs due within one timer tick of each other share its poll.
    if (this.pending.some((t) => Math.abs(t - pollAt) < TICK_MS)) return;
    this.pending.push(pollAt);
    this.pending.sort((a, b) => a - b);
    if (this.pending.length > MAX_PENDING) this.pending.length = MAX_PENDING;
    this.arm();
  }

  private arm(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const next = this.pending[0];
    if (next === undefined) return;
    // A few milliseconds late, so the poll's scheduled_before (now + prefetch) surely covers the run.
    this.timer = setTimeout(() => {
      const now = this.now();
      this.pending = this.pending.filter((t) => t > now);
      this.options.onDue();
      this.arm();
    }, Math.max(0, next - this.now()) + 5);
    this.timer.unref();
  }

  close(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = [];
  }
}
