import { Cron } from "croner";
import rrule from "rrule";
import type { Schedule } from "@ecsflow/schemas";

const { rrulestr } = rrule;

/**
 * The times a schedule fires at or after `start` and not after `end`, in order, at most `limit`.
 * Cron runs in its timezone (croner), with Prefect's `day_or` (day-of-month OR day-of-week);
 * an interval counts whole intervals from its anchor date (in absolute time: a daily interval
 * across a DST change keeps 24 h steps, where Prefect keeps the local wall-clock time); an rrule
 * takes its own DTSTART/TZID, and without a DTSTART starts at `defaultStart` (the schedule's
 * creation): a fixed start, so every pass computes the same times (rrule's own default, the time
 * of parsing, would shift them on each pass). Prefect anchors such rules at 2020-01-01, which
 * gives the same times for rules pinned by BYHOUR/BYMINUTE…, and another phase for bare intervals.
 */
export function scheduleTimes(schedule: Schedule, start: Date, end: Date, limit: number, defaultStart: Date = start): Date[] {
  const times: Date[] = [];
  for (const t of upcomingTimes(schedule, start, defaultStart)) {
    if (times.length >= limit || t > end) break;
    times.push(t);
  }
  return times;
}

/** The schedule's times at or after `start`, lazily: callers stop as soon as they have enough (cron and rrule steps are not cheap). */
export function* upcomingTimes(schedule: Schedule, start: Date, defaultStart: Date = start): Generator<Date> {
  if ("interval" in schedule) {
    const step = schedule.interval * 1000;
    const anchor = Date.parse(schedule.anchor_date);
    for (let t = anchor + Math.max(0, Math.ceil((start.getTime() - anchor) / step)) * step; ; t += step) yield new Date(t);
  }
  if ("cron" in schedule) {
    const cron = new Cron(schedule.cron, { paused: true, timezone: schedule.timezone ?? undefined, legacyMode: schedule.day_or });
    // croner's nextRun is strictly after the given time: start a millisecond early to include `start`.
    for (let t = cron.nextRun(new Date(start.getTime() - 1)); t; t = cron.nextRun(t)) yield t;
    return;
  }
  const hasStart = /(^|\n)DTSTART/i.test(schedule.rrule);
  const rule = rrulestr(schedule.rrule, { ...(schedule.timezone ? { tzid: schedule.timezone } : {}), ...(hasStart ? {} : { dtstart: defaultStart }) });
  for (let t = rule.after(start, true); t; t = rule.after(t, false)) yield t;
}
