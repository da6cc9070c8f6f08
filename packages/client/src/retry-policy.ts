export interface RetryPolicy {
  /** Attempts in all, including the first. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 6, baseDelayMs: 100, maxDelayMs: 10_000 };

/** Statuses that say "try again": rate limited, or the server/proxy is briefly unavailable. */
export const RETRYABLE_STATUSES = new Set([429, 502, 503, 504]);

/**
 * Exponential backoff with full jitter: spreads retries of many clients after an outage instead of
 * having them return in lockstep. A server's Retry-After wins when it asks for longer.
 */
export function retryDelayMs(policy: RetryPolicy, attempt: number, retryAfterHeader?: string | null, random: () => number = Math.random): number {
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  let delay = Math.round(random() * cap);
  const retryAfter = retryAfterHeader ? Number(retryAfterHeader) : NaN;
  if (Number.isFinite(retryAfter) && retryAfter > 0) delay = Math.max(delay, Math.min(policy.maxDelayMs, retryAfter * 1000));
  return delay;
}
