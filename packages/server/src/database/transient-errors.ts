/**
 * Storage errors that say "not now" rather than "not ever": another writer holds SQLite's lock
 * past the busy timeout, or PostgreSQL gave up a transaction to a concurrent one. The same
 * request is likely to succeed when sent again, so the API answers 503 with Retry-After instead
 * of 500 (plugins/error-handler.ts). Codes: better-sqlite3's extended result codes, PostgreSQL's SQLSTATEs.
 */
const SQLITE_TRANSIENT = /^SQLITE_(BUSY|LOCKED)(_|$)/;
const POSTGRES_TRANSIENT = new Set([
  "40001", // serialization_failure
  "40P01", // deadlock_detected
  "55P03", // lock_not_available (lock_timeout)
]);

export function isTransientStorageError(error: unknown): boolean {
  if (typeof error !== "object" || error === null || !("code" in error)) return false;
  const code = String((error as { code: unknown }).code);
  return SQLITE_TRANSIENT.test(code) || POSTGRES_TRANSIENT.has(code);
}
