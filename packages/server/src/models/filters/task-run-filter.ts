import { sql, type SqlBool } from "kysely";
import type { TaskRunFilter } from "@ecsflow/schemas";
import type { Engine } from "../../database/index.js";
import { combine, when } from "./combine-criteria.js";
import { anyOf, isNull, jsonArrayContainsAll, jsonArrayIsEmpty, like, type Condition } from "./filter-operators.js";
import { timeRange } from "./time-range.js";

/** Prefect's TaskRunFilter as a condition on the `task_run` table. */
export function taskRunCondition(engine: Engine, filter: TaskRunFilter): Condition {
  return combine(filter.operator, [
    when(filter.id, (f) => combine("and_", [anyOf("task_run.id", f.any_)])),
    when(filter.name, (f) => combine("and_", [anyOf("task_run.name", f.any_), f.like_ ? like(engine, "task_run.name", f.like_) : undefined])),
    when(filter.tags, (f) => combine(f.operator, [jsonArrayContainsAll(engine, "task_run.tags", f.all_), jsonArrayIsEmpty("task_run.tags", f.is_null_)])),
    when(filter.state, (f) =>
      combine(f.operator, [
        when(f.type, (t) => combine("and_", [anyOf("task_run.state_type", t.any_)])),
        when(f.name, (n) => combine("and_", [anyOf("task_run.state_name", n.any_)])),
      ]),
    ),
    when(filter.start_time, (f) => combine("and_", timeRange("task_run.start_time", f))),
    when(filter.end_time, (f) => combine("and_", timeRange("task_run.end_time", f))),
    when(filter.expected_start_time, (f) => combine("and_", timeRange("task_run.expected_start_time", f))),
    when(filter.subflow_runs, (f) =>
      combine("and_", [
        f.exists_ === true
          ? sql<SqlBool>`exists (select 1 from flow_run as subflow_run where subflow_run.parent_task_run_id = task_run.id)`
          : f.exists_ === false
            ? sql<SqlBool>`not exists (select 1 from flow_run as subflow_run where subflow_run.parent_task_run_id = task_run.id)`
            : undefined,
      ]),
    ),
    when(filter.flow_run_id, (f) => {
      // Prefect: `is_null_` defaults to false, so without any_ this criterion means "belongs to a flow run".
      const wantNull = f.is_null_ === undefined ? false : f.is_null_;
      if (wantNull === true) return combine(f.operator, [isNull("task_run.flow_run_id", true)]);
      if (wantNull === false && (f.any_ === undefined || f.any_ === null)) return combine(f.operator, [isNull("task_run.flow_run_id", false)]);
      return combine(f.operator, [anyOf("task_run.flow_run_id", f.any_)]);
    }),
  ]);
}
