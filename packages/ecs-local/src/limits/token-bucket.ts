/**
 * A token bucket as AWS describes its API throttling: `burst` tokens at most, refilled
 * continuously at `ratePerSecond`. Time comes from a monotonic clock so wall-clock jumps do not
 * refill or drain it.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    public burst: number,
    public ratePerSecond: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.tokens = burst;
    this.last = now();
  }

  private refill(): void {
    const t = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((t - this.last) / 1000) * this.ratePerSecond);
    this.last = t;
  }

  /** Takes `n` tokens if all are there; otherwise takes none. */
  tryTake(n = 1): boolean {
    this.refill();
    if (this.tokens + 1e-9 < n) return false;
    this.tokens -= n;
    return true;
  }

  available(): number {
    this.refill();
    return this.tokens;
  }

  reconfigure(burst: number, ratePerSecond: number): void {
    this.refill();
    this.burst = burst;
    this.ratePerSecond = ratePerSecond;
    this.tokens = Math.min(this.tokens, burst);
  }
}
