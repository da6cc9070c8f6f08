/**
 * Timestamps are stored and returned as fixed-width ISO-8601 UTC with microseconds
 * (`2026-11-29T04:58:23.123000Z`): the width makes text comparison equal time comparison on both
 * engines, and the microseconds match what Prefect's server returns.
 */
export function toTimestamp(date: Date | number | string): string {
  const d = date instanceof Date ? date : new Date(date);
  if (Number.isNaN(d.getTime())) throw new RangeError(`Invalid timestamp: ${String(date)}`);
  const iso = d.toISOString(); // 2026-11-29T04:58:23.123Z
  return `${iso.slice(0, 23)}000Z`;
}

/** Normalises a client-sent timestamp (any ISO-8601 form with offset) to the stored form. */
export function normalizeTimestamp(value: string): string {
  // Keep sub-millisecond digits the client sent, as far as they go, so round trips are exact.
  const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:?\d{2})?$/i.exec(value.trim());
  if (!m) return toTimestamp(value);
  const [, date, time, frac = "", zone] = m;
  if (!zone || zone.toUpperCase() === "Z" || /^[+-]00:?00$/.test(zone)) {
    return `${date}T${time}.${(frac + "000000").slice(0, 6)}Z`;
  }
  const ms = new Date(`${date}T${time}.${(frac + "000").slice(0, 3)}${zone.length === 5 ? zone.slice(0, 3) + ":" + zone.slice(3) : zone}`).getTime();
  const base = toTimestamp(ms);
  return `${base.slice(0, 23)}${(frac + "000000").slice(3, 6)}Z`;
}

export function nowTimestamp(): string {
  return toTimestamp(Date.now());
}
