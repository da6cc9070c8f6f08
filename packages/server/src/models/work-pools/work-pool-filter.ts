import type { WorkPoolFilter } from "@ecsflow/schemas";
import { and, anyOf, or, type Condition } from "../filters/filter-operators.js";

/** Prefect's `WorkPoolFilter` as a SQL condition on `work_pool` (all rows when empty). */
export function workPoolFilterCondition(filter: WorkPoolFilter | null | undefined): Condition {
  const parts = [anyOf("work_pool.id", filter?.id?.any_), anyOf("work_pool.name", filter?.name?.any_), anyOf("work_pool.type", filter?.type?.any_)];
  return filter?.operator === "or_" ? (or(parts) ?? and([])) : and(parts);
}
