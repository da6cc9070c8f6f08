/** A run this worker holds: claimed and being submitted, or watched until its end is reported. */
export interface TrackedRun {
  flowRunId: string;
  infrastructurePid?: string;
  configuration?: Record<string, unknown>;
  /** Set when a cancel arrived before the infrastructure had an id. */
  cancelRequested: boolean;
  /** Settles once the submission reached a durable point: infrastructure started, or the attempt ended. */
  submitted: Promise<void>;
  markSubmitted(): void;
}

export function trackedRun(flowRunId: string): TrackedRun {
  let markSubmitted!: () => void;
  const submitted = new Promise<void>((resolve) => (markSubmitted = resolve));
  return { flowRunId, cancelRequested: false, submitted, markSubmitted };
}

/**
 * The runs this worker holds and the work in flight for them. A run is held from the moment it is
 * taken up (before the claim, so one poll never submits it twice) until its work settles.
 */
export class RunRegistry {
  private readonly runs = new Map<string, TrackedRun>();
  private readonly inFlight = new Set<Promise<void>>();

  get size(): number {
    return this.runs.size;
  }

  has(flowRunId: string): boolean {
    return this.runs.has(flowRunId);
  }

  get(flowRunId: string): TrackedRun | undefined {
    return this.runs.get(flowRunId);
  }

  /** Holds `tracked` while `work` runs; releases it (and marks it submitted) when the work settles. */
  hold(tracked: TrackedRun, work: (tracked: TrackedRun) => Promise<void>): void {
    this.runs.set(tracked.flowRunId, tracked);
    const p = work(tracked).finally(() => {
      tracked.markSubmitted();
      this.inFlight.delete(p);
      this.runs.delete(tracked.flowRunId);
    });
    this.inFlight.add(p);
  }

  /** Settles when all work in flight has. */
  async drain(): Promise<void> {
    await Promise.all([...this.inFlight]);
  }

  /** Settles when every held run reached a durable point (infrastructure started and recorded, or ended). */
  async allSubmitted(): Promise<void> {
    await Promise.all([...this.runs.values()].map((r) => r.submitted));
  }
}

/** Runs at most `n` of the given functions at once. */
export function limiter(n: number): <T>(fn: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async (fn) => {
    if (active >= n) await new Promise<void>((go) => waiting.push(go));
    active++;
    try {
      return await fn();
    } finally {
      active--;
      waiting.shift()?.();
    }
  };
}
