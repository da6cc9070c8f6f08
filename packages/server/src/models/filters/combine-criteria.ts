import { sql, type SqlBool } from "kysely";
import type { FilterOperator } from "@ecsflow/schemas";
import { and, or, type Condition } from "./filter-operators.js";

export const TRUE: Condition = sql<SqlBool>`1 = 1`;

/**
 * Combines one filter object's criteria with its `operator` (`and_` by default). As in Prefect,
 * a filter object that is present but names no criteria matches everything.
 */
export function combine(operator: FilterOperator | null | undefined, conditions: (Condition | undefined)[]): Condition {
  const present = conditions.filter((c): c is Condition => c !== undefined);
  if (present.length === 0) return TRUE;
  return operator === "or_" ? (or(present) ?? TRUE) : and(present);
}

/** Applies `build` to a filter object when the client sent one (null and absent mean "no criterion"). */
export function when<T>(filter: T | null | undefined, build: (filter: T) => Condition): Condition | undefined {
  return filter === null || filter === undefined ? undefined : build(filter);
}
