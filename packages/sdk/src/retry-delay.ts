/** Delay before retry number `retry` (1-based): one number for all, or a list whose last entry repeats. */
export function retryDelaySeconds(delay: number | readonly number[] | undefined, retry: number, jitterFactor = 0, random: () => number = Math.random): number {
  let base = 0;
  if (typeof delay === "number") base = delay;
  else if (delay && delay.length > 0) base = delay[Math.min(retry - 1, delay.length - 1)];
  if (!(base > 0)) return 0;
  // Prefect's jitter: up to `jitterFactor` times the delay added, so many retrying tasks spread out.
  return jitterFactor > 0 ? base + base * jitterFactor * random() : base;
}

export { sleep } from "@ecsflow/client";
