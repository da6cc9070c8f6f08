import { sql, type SqlBool } from "kysely";
import type { FlowFilter } from "@ecsflow/schemas";
import type { Engine } from "../../database/index.js";
import { combine, when } from "./combine-criteria.js";
import { anyOf, jsonArrayContainsAll, jsonArrayIsEmpty, like, notAnyOf, type Condition } from "./filter-operators.js";

/** Prefect's FlowFilter as a condition on the `flow` table. */
export function flowCondition(engine: Engine, filter: FlowFilter): Condition {
  return combine(filter.operator, [
    when(filter.id, (f) => combine("and_", [anyOf("flow.id", f.any_), notAnyOf("flow.id", f.not_any_)])),
    when(filter.deployment, (f) =>
      combine(f.operator, [
        f.is_null_ === true
          ? sql<SqlBool>`not exists (select 1 from deployment where deployment.flow_id = flow.id)`
          : f.is_null_ === false
            ? sql<SqlBool>`exists (select 1 from deployment where deployment.flow_id = flow.id)`
            : undefined,
      ]),
    ),
    when(filter.name, (f) => combine("and_", [anyOf("flow.name", f.any_), f.like_ ? like(engine, "flow.name", f.like_) : undefined])),
    when(filter.tags, (f) => combine(f.operator, [jsonArrayContainsAll(engine, "flow.tags", f.all_), jsonArrayIsEmpty("flow.tags", f.is_null_)])),
  ]);
}
