import { describe, expect, it } from "vitest";
import { formatAbsolute, formatClock, formatCount, formatDuration, formatRelative } from "../../packages/ui/format/time.js";

describe("UI time and number formats (hand-made, no Intl)", () => {
  const now = Date.parse("2026-11-29T12:00:00Z");
  const at = (ms: number) => new Date(now + ms).toISOString();

  it("says how long ago or how soon, in whole units", () => {
    expect(formatRelative(at(0), now)).toBe("now");
    expect(formatRelative(at(-400), now)).toBe("now");
    expect(formatRelative(at(-1000), now)).toBe("1 second ago");
    expect(formatRelative(at(-45_000), now)).toBe("45 seconds ago");
    expect(formatRelative(at(-60_000), now)).toBe("1 minute ago");
    expect(formatRelative(at(3 * 3_600_000), now)).toBe("in 3 hours");
    expect(formatRelative(at(-86_400_000), now)).toBe("yesterday");
    expect(formatRelative(at(86_400_000), now)).toBe("tomorrow");
    expect(formatRelative(at(-3 * 86_400_000), now)).toBe("3 days ago");
    expect(formatRelative(at(400 * 86_400_000), now)).toBe("in 1 year");
    expect(formatRelative("not a date", now)).toBe("");
  });

  it("writes local date and time to the second, 24-hour", () => {
    const d = new Date(2026, 0, 2, 3, 4, 5);
    expect(formatAbsolute(d.toISOString())).toBe("2026-01-02 03:04:05");
    expect(formatClock(d, true)).toBe("03:04:05");
    expect(formatClock(new Date(2026, 0, 2, 23, 59, 0), false)).toBe("23:59");
    expect(formatAbsolute("garbage")).toBe("");
  });

  it("groups thousands", () => {
    expect(formatCount(0)).toBe("0");
    expect(formatCount(999)).toBe("999");
    expect(formatCount(1000)).toBe("1,000");
    expect(formatCount(10_000)).toBe("10,000");
    expect(formatCount(1_234_567.5)).toBe("1,234,567.5");
    expect(formatCount(-12_345)).toBe("-12,345");
  });

  it("keeps durations short", () => {
    expect(formatDuration(120)).toBe("120ms");
    expect(formatDuration(3400)).toBe("3.4s");
    expect(formatDuration(62_000)).toBe("1m 2s");
    expect(formatDuration(-1)).toBe("–");
  });
});
