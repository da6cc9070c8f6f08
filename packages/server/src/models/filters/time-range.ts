import type { Condition } from "./filter-operators.js";
import { after, before, isNull } from "./filter-operators.js";

/** Prefect's `before_` / `after_` (inclusive) / `is_null_` criteria on one timestamp column. */
export function timeRange(
  column: string,
  range: { before_?: string | null; after_?: string | null; is_null_?: boolean | null },
): (Condition | undefined)[] {
  return [before(column, range.before_), after(column, range.after_), isNull(column, range.is_null_)];
}
