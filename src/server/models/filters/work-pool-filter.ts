import type { WorkPoolFilter } from "../../../schemas/index.js";
import { combine, when } from "./combine-criteria.js";
import { anyOf, type Condition } from "./filter-operators.js";

/** Prefect's WorkPoolFilter as a condition on the `work_pool` table. */
export function workPoolCondition(filter: WorkPoolFilter): Condition {
  return combine(filter.operator, [
    when(filter.id, (f) => combine("and_", [anyOf("work_pool.id", f.any_)])),
    when(filter.name, (f) => combine("and_", [anyOf("work_pool.name", f.any_)])),
    when(filter.type, (f) => combine("and_", [anyOf("work_pool.type", f.any_)])),
  ]);
}
