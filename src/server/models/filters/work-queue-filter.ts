import { sql, type SqlBool } from "kysely";
import type { WorkQueueFilter } from "../../../schemas/index.js";
import { combine, when } from "./combine-criteria.js";
import { anyOf, or, type Condition } from "./filter-operators.js";

/** Prefect's WorkQueueFilter as a condition on the `work_queue` table. */
export function workQueueCondition(filter: WorkQueueFilter): Condition {
  return combine(filter.operator, [
    when(filter.id, (f) => combine("and_", [anyOf("work_queue.id", f.any_)])),
    when(filter.name, (f) =>
      combine("and_", [
        anyOf("work_queue.name", f.any_),
        // A case-sensitive prefix on both engines (LIKE is case-insensitive on SQLite).
        f.startswith_ ? (or(f.startswith_.map((p) => sql<SqlBool>`substr(work_queue.name, 1, ${p.length}) = ${p}`)) ?? sql<SqlBool>`1 = 0`) : undefined,
      ]),
    ),
  ]);
}
