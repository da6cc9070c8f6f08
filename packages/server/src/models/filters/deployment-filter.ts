import { sql, type SqlBool } from "kysely";
import type { DeploymentFilter } from "@ecsflow/schemas";
import type { Engine } from "../../database/index.js";
import { combine, when } from "./combine-criteria.js";
import { anyOf, jsonArrayContainsAll, jsonArrayContainsAny, jsonArrayIsEmpty, like, notAnyOf, or, type Condition } from "./filter-operators.js";

/** Prefect's DeploymentFilter as a condition on the `deployment` table. */
export function deploymentCondition(engine: Engine, filter: DeploymentFilter): Condition {
  return combine(filter.operator, [
    when(filter.id, (f) => combine("and_", [anyOf("deployment.id", f.any_), notAnyOf("deployment.id", f.not_any_)])),
    when(filter.name, (f) => combine("and_", [anyOf("deployment.name", f.any_), f.like_ ? like(engine, "deployment.name", f.like_) : undefined])),
    when(filter.flow_or_deployment_name, (f) =>
      combine("and_", [
        f.like_
          ? or([
              like(engine, "deployment.name", f.like_),
              sql<SqlBool>`exists (select 1 from flow as named_flow where named_flow.id = deployment.flow_id and ${like(engine, "named_flow.name", f.like_)})`,
            ])
          : undefined,
      ]),
    ),
    when(filter.paused, (f) => combine("and_", [f.eq_ === undefined || f.eq_ === null ? undefined : sql<SqlBool>`deployment.paused = ${f.eq_ ? 1 : 0}`])),
    when(filter.tags, (f) =>
      combine(f.operator, [
        jsonArrayContainsAll(engine, "deployment.tags", f.all_),
        jsonArrayContainsAny(engine, "deployment.tags", f.any_),
        jsonArrayIsEmpty("deployment.tags", f.is_null_),
      ]),
    ),
    when(filter.work_queue_name, (f) => combine("and_", [anyOf("deployment.work_queue_name", f.any_)])),
    // `concurrency_limit` is deprecated and ignored, as in Prefect.
  ]);
}
