import { describe, expect, it } from "vitest";
import { nextStateTimestamp, secondsBetween } from "../../../packages/server/src/orchestration/state-timestamp.js";

describe("state timestamps", () => {
  it.each([
    { now: "2026-01-01T00:00:01.000000Z", current: "2026-01-01T00:00:00.000000Z", next: "2026-01-01T00:00:01.000000Z" },
    { now: "2026-01-01T00:00:01.000000Z", current: null, next: "2026-01-01T00:00:01.000000Z" },
    { now: "2026-01-01T00:00:00.000000Z", current: "2026-01-01T00:00:00.000000Z", next: "2026-01-01T00:00:00.000001Z" },
    { now: "2026-01-01T00:00:00.000000Z", current: "2026-01-01T00:00:05.123456Z", next: "2026-01-01T00:00:05.123457Z" },
    { now: "2026-01-01T00:00:00.000000Z", current: "2026-01-01T00:00:00.999999Z", next: "2026-01-01T00:00:01.000000Z" },
  ])("a state proposed at $now after one at $current is stamped $next", ({ now, current, next }) => {
    expect(nextStateTimestamp(now, current)).toBe(next);
  });

  it("measures seconds between stored timestamps to the microsecond", () => {
    expect(secondsBetween("2026-01-01T00:00:00.000001Z", "2026-01-01T00:00:02.500002Z")).toBeCloseTo(2.500001, 6);
    expect(secondsBetween("2026-01-01T00:00:02.000000Z", "2026-01-01T00:00:00.000000Z")).toBe(-2);
  });
});
