import { describe, expect, it } from "vitest";
import { PREFECT_SCHEDULING_WINDOW, timesToSchedule } from "../../../packages/server/src/models/deployments/auto-scheduled-runs.js";
import { scheduleTimes } from "../../../packages/server/src/models/deployments/schedule-times.js";

const start = new Date("2026-03-07T10:00:00.000Z");
const end = new Date("2026-03-12T00:00:00.000Z");
const iso = (dates: Date[]) => dates.map((d) => d.toISOString());

describe("scheduleTimes", () => {
  it.each([
    {
      title: "interval: whole steps from the anchor, the first at or after the start",
      schedule: { interval: 3600, anchor_date: "2026-01-01T00:30:00.000000Z", timezone: "UTC" },
      expected: ["2026-03-07T10:30:00.000Z", "2026-03-07T11:30:00.000Z", "2026-03-07T12:30:00.000Z"],
    },
    {
      title: "interval: an anchor in the future starts there",
      schedule: { interval: 60, anchor_date: "2026-03-07T12:00:00.000000Z", timezone: "UTC" },
      expected: ["2026-03-07T12:00:00.000Z", "2026-03-07T12:01:00.000Z", "2026-03-07T12:02:00.000Z"],
    },
    {
      title: "cron in UTC includes the start itself",
      schedule: { cron: "0 * * * *", timezone: null, day_or: true },
      expected: ["2026-03-07T10:00:00.000Z", "2026-03-07T11:00:00.000Z", "2026-03-07T12:00:00.000Z"],
    },
    {
      // 09:00 in New York: 14:00Z before the DST change on 8 March 2026, 13:00Z after.
      title: "cron in a timezone follows its daylight saving time",
      schedule: { cron: "0 9 * * *", timezone: "America/New_York", day_or: true },
      expected: ["2026-03-07T14:00:00.000Z", "2026-03-08T13:00:00.000Z", "2026-03-09T13:00:00.000Z"],
    },
    {
      title: "rrule with its DTSTART",
      schedule: { rrule: "DTSTART:20260101T060000Z\nRRULE:FREQ=DAILY;INTERVAL=2", timezone: "UTC" },
      expected: ["2026-03-08T06:00:00.000Z", "2026-03-10T06:00:00.000Z"],
    },
  ])("$title", ({ schedule, expected }) => {
    expect(iso(scheduleTimes(schedule, start, end, 3))).toEqual(expected);
  });

  it("stops at the end of the window", () => {
    expect(scheduleTimes({ interval: 86_400, anchor_date: "2026-03-07T10:00:00.000000Z", timezone: "UTC" }, start, end, 100)).toHaveLength(5);
  });
});

describe("timesToSchedule (Prefect's window: ≥ 3 runs and ≥ 1 h ahead, ≤ 100)", () => {
  const now = start.getTime();
  it.each([
    { title: "every 10 minutes: until one run lies past the hour", interval: 600, max: null, count: 8 },
    { title: "daily: three runs", interval: 86_400, max: null, count: 3 },
    { title: "every minute: 62 runs to pass the hour", interval: 60, max: null, count: 62 },
    { title: "every second: capped at 100", interval: 1, max: null, count: 100 },
    { title: "a schedule's max_scheduled_runs wins", interval: 600, max: 2, count: 2 },
  ])("$title", ({ interval, max, count }) => {
    const times = timesToSchedule({ interval, anchor_date: "2026-03-07T10:00:00.000000Z", timezone: "UTC" }, max, now, PREFECT_SCHEDULING_WINDOW);
    expect(times).toHaveLength(count);
    expect(times[0].getTime()).toBe(now);
  });
});
