// Retries with exponential backoff and jitter (half fixed, half random: "equal jitter"), bounded both by a
// number of attempts and by a time budget, so a throttled call never retries forever.

export interface BackoffPolicy {
  /** Attempts in all (the first included). */
  maxAttempts: number;
  /** First delay's upper bound; doubles each retry. */
  baseDelayMs: number;
  /** Largest delay between attempts. */
  maxDelayMs: number;
  /** No new attempt starts later than this after the first. */
  budgetMs: number;
}

export interface RetryDecision {
  retry: boolean;
  /** A floor for the next delay (e.g. a throttled bucket's own wait). */
  minDelayMs?: number;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** An equal-jitter delay for retry number `retry` (1 = first retry). */
export function backoffDelayMs(policy: BackoffPolicy, retry: number, random: () => number = Math.random): number {
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
  return Math.round(cap / 2 + (random() * cap) / 2);
}

/**
 * Calls `attempt` until it succeeds, `decide` says stop, or the policy is spent; then rethrows the
 * last error. `onRetry` hears about each retry (for logs).
 */
export async function retryWithBackoff<T>(
  policy: BackoffPolicy,
  attempt: (n: number) => Promise<T>,
  decide: (err: unknown, n: number) => RetryDecision,
  onRetry?: (err: unknown, n: number, delayMs: number) => void,
): Promise<T> {
  const started = Date.now();
  for (let n = 1; ; n++) {
    try {
      return await attempt(n);
    } catch (err) {
      const decision = decide(err, n);
      if (!decision.retry || n >= policy.maxAttempts) throw err;
      const delay = Math.max(decision.minDelayMs ?? 0, backoffDelayMs(policy, n));
      if (Date.now() + delay - started > policy.budgetMs) throw err;
      onRetry?.(err, n, delay);
      await sleep(delay);
    }
  }
}
