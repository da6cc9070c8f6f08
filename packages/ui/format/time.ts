// Dates and times are formatted by hand, in English like the rest of the UI, in the browser's
// time zone, 24-hour. Not with Intl: the first Intl object a page creates loads the locale data,
// about 40-50 ms of a cold page load on these machines, a tenth of the run page's budget.

const UNITS: [string, number][] = [
  ["year", 365 * 86_400_000],
  ["month", 30 * 86_400_000],
  ["day", 86_400_000],
  ["hour", 3_600_000],
  ["minute", 60_000],
  ["second", 1000],
];

const pad2 = (n: number) => String(n).padStart(2, "0");

/** "3 minutes ago", "in 2 hours", "yesterday", "now". */
export function formatRelative(iso: string, now = Date.now()): string {
  const diff = Date.parse(iso) - now;
  if (Number.isNaN(diff)) return "";
  for (const [unit, ms] of UNITS) {
    if (Math.abs(diff) < ms && unit !== "second") continue;
    const n = Math.round(diff / ms);
    if (n === 0) return "now";
    if (unit === "day" && Math.abs(n) === 1) return n < 0 ? "yesterday" : "tomorrow";
    const amount = `${Math.abs(n)} ${unit}${Math.abs(n) === 1 ? "" : "s"}`;
    return n < 0 ? `${amount} ago` : `in ${amount}`;
  }
  return "";
}

/** "2026-11-29 13:51:23": the local date and time to the second. */
export function formatAbsolute(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "";
  return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())} ${formatClock(d, true)}`;
}

/** "13:51:23" (with seconds) or "13:51": the local time of day. */
export function formatClock(d: Date, seconds: boolean): string {
  const hm = `${pad2(d.getHours())}:${pad2(d.getMinutes())}`;
  return seconds ? `${hm}:${pad2(d.getSeconds())}` : hm;
}

/** "10,000". */
export function formatCount(n: number): string {
  const [whole, fraction] = String(n).split(".");
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return fraction === undefined ? grouped : `${grouped}.${fraction}`;
}

/** "1h 2m", "3.4s", "120ms". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return "–";
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(s < 10 ? 1 : 0)}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${Math.round(s % 60)}s`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h ${m % 60}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

/** A datetime-local input's value ("2024-05-01T10:00") as an ISO instant, or null. */
export function localInputToIso(value: string): string | null {
  if (!value) return null;
  const t = Date.parse(value);
  return Number.isNaN(t) ? null : new Date(t).toISOString();
}

export function isoToLocalInput(iso: string | null): string {
  if (!iso) return "";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "";
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
