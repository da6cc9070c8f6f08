import type { DeploymentSchedule } from "../api/types";
import { formatDuration } from "./time";

/** "every 1h 0m", "cron 0 * * * * (UTC)", "rrule …". */
export function describeSchedule(s: DeploymentSchedule["schedule"]): string {
  const tz = s.timezone ? ` (${s.timezone})` : "";
  if (typeof s.interval === "number") return `every ${formatDuration(s.interval * 1000)}`;
  if (s.cron) return `cron ${s.cron}${tz}`;
  if (s.rrule) return `rrule ${s.rrule}${tz}`;
  return "custom schedule";
}
