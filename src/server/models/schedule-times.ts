import { Cron } from "croner";
import rrule from "rrule";
import type { Schedule } from "../../schemas/index.js";

const { rrulestr } = rrule;

/**
 * The times a schedule fires at or after `start` and not after `end`, in order, at most `limit`.
 * Cron runs in its timezone (croner), with Prefect's `day_or` (day-of-month OR day-of-week);
 * an interval counts whole intervals from its anchor date (in absolute time: a daily interval
 * across a DST change keeps 24 h steps, where Prefect keeps the local wall-clock time); an rrule
 * takes its own DTSTART/TZID.
 */
export function scheduleTimes(schedule: Schedule, start: Date, end: Date, limit: number): Date[] {
  const times: Date[] = [];
  if ("interval" in schedule) {
    const step = schedule.interval * 1000;
    const anchor = Date.parse(schedule.anchor_date);
    let t = anchor + Math.max(0, Math.ceil((start.getTime() - anchor) / step)) * step;
    while (times.length < limit && t <= end.getTime()) {
      times.push(new Date(t));
      t += step;
    }
    return times;
  }
  if ("cron" in schedule) {
    const cron = new Cron(schedule.cron, { paused: true, timezone: schedule.timezone ?? undefined, legacyMode: schedule.day_or });
    // croner's nextRun is strictly after the given time: start a millisecond early to include `start`.
    let t = cron.nextRun(new Date(start.getTime() - 1));
    while (t && times.length < limit && t <= end) {
      times.push(t);
      t = cron.nextRun(t);
    }
    return times;
  }
  const rule = rrulestr(schedule.rrule, schedule.timezone ? { tzid: schedule.timezone } : {});
  let t = rule.after(start, true);
  while (t && times.length < limit && t <= end) {
    times.push(t);
    t = rule.after(t, false);
  }
  return times;
}
