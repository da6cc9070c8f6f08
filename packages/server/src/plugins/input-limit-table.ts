/**
 * The bounds every request string, integer and number gets unless its schema says otherwise
 * (applied by `input-limits.ts`). One table, so the documented maxima and the enforced ones are
 * the same numbers.
 */

/**
 * Default for every string: names and anything that may be indexed. 255 characters are at most
 * 1,020 bytes of UTF-8, so even a unique index over two such columns (task_key + dynamic_key)
 * stays under PostgreSQL's B-tree row limit of 2,704 bytes.
 */
export const NAME_MAX_LENGTH = 255;

/** Longer free text, by property name; none of these columns is indexed. */
export const TEXT_MAX_LENGTH: Readonly<Record<string, number>> = {
  description: 100_000,
  message: 1_000_000,
  entrypoint: 4_096,
  path: 4_096,
  rrule: 6_500,
  cache_key: 2_000,
  infrastructure_pid: 1_024,
  // Artifact metadata values: Prefect cuts them to 500 characters itself, so longer ones must arrive.
  metadata_: 100_000,
};

/** Integers are stored in 32-bit columns on PostgreSQL: out of this range is a 422, not a 500. */
export const INTEGER_MIN = -2_147_483_648;
export const INTEGER_MAX = 2_147_483_647;

/**
 * Numbers (seconds of intervals, retry delays, label values): bounded so that adding one to a
 * timestamp stays a valid date (±100 years in seconds).
 */
export const NUMBER_MIN = -3_155_760_000;
export const NUMBER_MAX = 3_155_760_000;

/** Deepest nesting of a JSON value anywhere in a request (free-form parameters, job variables). */
export const JSON_MAX_DEPTH = 64;
