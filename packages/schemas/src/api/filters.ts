import { Type, type Static, type TProperties, type TSchema } from "@sinclair/typebox";
import { DateTime, Nullable, Uuid } from "./common.js";
import { StateTypeSchema } from "./states.js";

/**
 * Prefect's filter objects (`FlowFilter`, `FlowRunFilter`, …) as the request bodies of the
 * `/filter` and `/count` endpoints carry them. Every object strips unknown keys (Prefect rejects
 * them; newer clients may send criteria we do not model, and dropping one only widens a result).
 */
const criteria = <T extends TProperties>(properties: T) => Type.Object(properties, { additionalProperties: false });
const optional = <T extends TSchema>(schema: T) => Type.Optional(Nullable(schema));

export const FilterOperatorSchema = Type.Union([Type.Literal("and_"), Type.Literal("or_")]);
export type FilterOperator = Static<typeof FilterOperatorSchema>;

const operator = Type.Optional(FilterOperatorSchema);
const uuids = Type.Array(Uuid);
const strings = Type.Array(Type.String());
const timeRange = { before_: optional(DateTime), after_: optional(DateTime) };

export const FlowFilterSchema = criteria({
  operator,
  id: optional(criteria({ any_: optional(uuids), not_any_: optional(uuids) })),
  deployment: optional(criteria({ operator, is_null_: optional(Type.Boolean()) })),
  name: optional(criteria({ any_: optional(strings), like_: optional(Type.String()) })),
  tags: optional(criteria({ operator, all_: optional(strings), is_null_: optional(Type.Boolean()) })),
});
export type FlowFilter = Static<typeof FlowFilterSchema>;

export const FlowRunFilterSchema = criteria({
  operator,
  id: optional(criteria({ any_: optional(uuids), not_any_: optional(uuids) })),
  name: optional(criteria({ any_: optional(strings), like_: optional(Type.String()) })),
  tags: optional(criteria({ operator, all_: optional(strings), any_: optional(strings), is_null_: optional(Type.Boolean()) })),
  deployment_id: optional(criteria({ operator, any_: optional(uuids), is_null_: optional(Type.Boolean()) })),
  work_queue_name: optional(criteria({ operator, any_: optional(strings), is_null_: optional(Type.Boolean()) })),
  state: optional(
    criteria({
      operator,
      type: optional(criteria({ any_: optional(Type.Array(StateTypeSchema)), not_any_: optional(Type.Array(StateTypeSchema)) })),
      name: optional(criteria({ any_: optional(strings), not_any_: optional(strings) })),
    }),
  ),
  flow_version: optional(criteria({ any_: optional(strings) })),
  start_time: optional(criteria({ ...timeRange, is_null_: optional(Type.Boolean()) })),
  end_time: optional(criteria({ ...timeRange, is_null_: optional(Type.Boolean()) })),
  expected_start_time: optional(criteria(timeRange)),
  next_scheduled_start_time: optional(criteria(timeRange)),
  parent_flow_run_id: optional(criteria({ operator, any_: optional(uuids) })),
  parent_task_run_id: optional(criteria({ operator, any_: optional(uuids), is_null_: optional(Type.Boolean()) })),
  idempotency_key: optional(criteria({ any_: optional(strings), not_any_: optional(strings) })),
  created_by: optional(criteria({ operator, id_: optional(uuids), type_: optional(strings), is_null_: optional(Type.Boolean()) })),
});
export type FlowRunFilter = Static<typeof FlowRunFilterSchema>;

export const TaskRunFilterSchema = criteria({
  operator,
  id: optional(criteria({ any_: optional(uuids) })),
  name: optional(criteria({ any_: optional(strings), like_: optional(Type.String()) })),
  tags: optional(criteria({ operator, all_: optional(strings), is_null_: optional(Type.Boolean()) })),
  state: optional(
    criteria({
      operator,
      type: optional(criteria({ any_: optional(Type.Array(StateTypeSchema)) })),
      name: optional(criteria({ any_: optional(strings) })),
    }),
  ),
  start_time: optional(criteria({ ...timeRange, is_null_: optional(Type.Boolean()) })),
  end_time: optional(criteria({ ...timeRange, is_null_: optional(Type.Boolean()) })),
  expected_start_time: optional(criteria(timeRange)),
  subflow_runs: optional(criteria({ exists_: optional(Type.Boolean()) })),
  // Prefect: `is_null_` defaults to false here, so a flow_run_id criterion without any_ means "has a flow run".
  flow_run_id: optional(criteria({ operator, any_: optional(uuids), is_null_: optional(Type.Boolean()) })),
});
export type TaskRunFilter = Static<typeof TaskRunFilterSchema>;

export const DeploymentFilterSchema = criteria({
  operator,
  id: optional(criteria({ any_: optional(uuids), not_any_: optional(uuids) })),
  name: optional(criteria({ any_: optional(strings), like_: optional(Type.String()) })),
  flow_or_deployment_name: optional(criteria({ like_: optional(Type.String()) })),
  paused: optional(criteria({ eq_: optional(Type.Boolean()) })),
  tags: optional(criteria({ operator, all_: optional(strings), any_: optional(strings), is_null_: optional(Type.Boolean()) })),
  work_queue_name: optional(criteria({ any_: optional(strings) })),
  // Deprecated in Prefect and ignored there too (the limit moved to a global concurrency limit).
  concurrency_limit: optional(criteria({ ge_: optional(Type.Integer()), le_: optional(Type.Integer()), is_null_: optional(Type.Boolean()) })),
});
export type DeploymentFilter = Static<typeof DeploymentFilterSchema>;

export const LogFilterSchema = criteria({
  operator,
  level: optional(criteria({ ge_: optional(Type.Integer()), le_: optional(Type.Integer()) })),
  timestamp: optional(criteria(timeRange)),
  flow_run_id: optional(criteria({ any_: optional(uuids) })),
  task_run_id: optional(criteria({ any_: optional(uuids), is_null_: optional(Type.Boolean()) })),
  text: optional(criteria({ query: Type.String({ maxLength: 200 }) })),
});
export type LogFilter = Static<typeof LogFilterSchema>;
