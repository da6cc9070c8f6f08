import { toTimestamp } from "../timestamps.js";

/**
 * State timestamps are stored fixed-width with microseconds (`…T04:58:23.123456Z`, see
 * timestamps.ts). These helpers do the little arithmetic orchestration needs on them without
 * losing the microseconds that JavaScript dates cannot hold.
 */
function split(timestamp: string): { ms: number; micros: number } {
  // 2026-11-29T04:58:23.123456Z: milliseconds up to index 23, then three more digits.
  return { ms: Date.parse(`${timestamp.slice(0, 23)}Z`), micros: Number(timestamp.slice(23, 26)) || 0 };
}

/** Seconds from `from` to `to` (negative when `to` is earlier). */
export function secondsBetween(from: string, to: string): number {
  const a = split(from);
  const b = split(to);
  return (b.ms - a.ms) / 1000 + (b.micros - a.micros) / 1e6;
}

/**
 * The timestamp for a run's next state: `now`, unless the current state is not older than that
 * (coarse clocks, two servers with skewed clocks), in which case one microsecond after it. A
 * run's states therefore have strictly increasing timestamps, so its history sorts in the order
 * the transitions happened, as Prefect's EnsureFlowRunStateTimestampIsUnique intends.
 */
export function nextStateTimestamp(now: string, current: string | null | undefined): string {
  if (!current || now > current) return now;
  const { ms, micros } = split(current);
  const next = micros + 1;
  const carried = next >= 1000;
  const base = toTimestamp(carried ? ms + 1 : ms);
  return `${base.slice(0, 23)}${String(carried ? 0 : next).padStart(3, "0")}Z`;
}
