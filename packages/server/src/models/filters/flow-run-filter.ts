import { sql, type SqlBool } from "kysely";
import type { FlowRunFilter } from "@ecsflow/schemas";
import type { Engine } from "../../database/index.js";
import { combine, when } from "./combine-criteria.js";
import { anyOf, isNull, jsonArrayContainsAll, jsonArrayContainsAny, jsonArrayIsEmpty, like, notAnyOf, type Condition } from "./filter-operators.js";
import { timeRange } from "./time-range.js";

/** A text field of the JSON column `flow_run.created_by`. */
function createdByField(engine: Engine, field: "id" | "type") {
  return engine === "postgresql" ? sql`(flow_run.created_by::jsonb ->> ${field})` : sql`json_extract(flow_run.created_by, ${`$.${field}`})`;
}

/** Prefect's FlowRunFilter as a condition on the `flow_run` table. */
export function flowRunCondition(engine: Engine, filter: FlowRunFilter): Condition {
  return combine(filter.operator, [
    when(filter.id, (f) => combine("and_", [anyOf("flow_run.id", f.any_), notAnyOf("flow_run.id", f.not_any_)])),
    when(filter.name, (f) => combine("and_", [anyOf("flow_run.name", f.any_), f.like_ ? like(engine, "flow_run.name", f.like_) : undefined])),
    when(filter.tags, (f) =>
      combine(f.operator, [
        jsonArrayContainsAll(engine, "flow_run.tags", f.all_),
        jsonArrayContainsAny(engine, "flow_run.tags", f.any_),
        jsonArrayIsEmpty("flow_run.tags", f.is_null_),
      ]),
    ),
    when(filter.deployment_id, (f) => combine(f.operator, [anyOf("flow_run.deployment_id", f.any_), isNull("flow_run.deployment_id", f.is_null_)])),
    when(filter.work_queue_name, (f) => combine(f.operator, [anyOf("flow_run.work_queue_name", f.any_), isNull("flow_run.work_queue_name", f.is_null_)])),
    when(filter.state, (f) =>
      combine(f.operator, [
        when(f.type, (t) => combine("and_", [anyOf("flow_run.state_type", t.any_), notAnyOf("flow_run.state_type", t.not_any_)])),
        when(f.name, (n) => combine("and_", [anyOf("flow_run.state_name", n.any_), notAnyOf("flow_run.state_name", n.not_any_)])),
      ]),
    ),
    when(filter.flow_version, (f) => combine("and_", [anyOf("flow_run.flow_version", f.any_)])),
    when(filter.start_time, (f) => combine("and_", timeRange("flow_run.start_time", f))),
    when(filter.end_time, (f) => combine("and_", timeRange("flow_run.end_time", f))),
    when(filter.expected_start_time, (f) => combine("and_", timeRange("flow_run.expected_start_time", f))),
    when(filter.next_scheduled_start_time, (f) => combine("and_", timeRange("flow_run.next_scheduled_start_time", f))),
    when(filter.parent_flow_run_id, (f) =>
      combine(f.operator, [
        f.any_ === null || f.any_ === undefined
          ? undefined
          : f.any_.length === 0
            ? sql<SqlBool>`1 = 0`
            : sql<SqlBool>`flow_run.parent_task_run_id in (select parent_task.id from task_run as parent_task where parent_task.flow_run_id in (${sql.join(f.any_)}))`,
      ]),
    ),
    when(filter.parent_task_run_id, (f) => combine(f.operator, [anyOf("flow_run.parent_task_run_id", f.any_), isNull("flow_run.parent_task_run_id", f.is_null_)])),
    when(filter.idempotency_key, (f) => combine("and_", [anyOf("flow_run.idempotency_key", f.any_), notAnyOf("flow_run.idempotency_key", f.not_any_)])),
    when(filter.created_by, (f) =>
      combine(f.operator, [
        f.id_ ? inList(createdByField(engine, "id"), f.id_) : undefined,
        f.type_ ? inList(createdByField(engine, "type"), f.type_) : undefined,
        isNull("flow_run.created_by", f.is_null_),
      ]),
    ),
  ]);
}

function inList(expression: ReturnType<typeof sql>, values: readonly string[]): Condition {
  return values.length === 0 ? sql<SqlBool>`1 = 0` : sql<SqlBool>`${expression} in (${sql.join(values)})`;
}
