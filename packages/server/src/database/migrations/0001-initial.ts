import type { Kysely } from "kysely";
import type { Engine } from "../engine.js";
import { columnTypes } from "./column-types.js";
import { entityTable } from "./entity-table.js";

/** The initial schema: Prefect's core entities, with the current state denormalised onto each run. */
export function initialMigration(engine: Engine) {
  const t = columnTypes(engine);
  return {
    async up(db: Kysely<any>): Promise<void> {
      const base = (name: string) => entityTable(db, name);

      await base("flow")
        .addColumn("name", "text", (c) => c.notNull().unique())
        .addColumn("tags", "text", (c) => c.notNull().defaultTo("[]"))
        .addColumn("labels", "text", (c) => c.notNull().defaultTo("{}"))
        .execute();

      await base("work_pool")
        .addColumn("name", "text", (c) => c.notNull().unique())
        .addColumn("description", "text")
        .addColumn("type", "text", (c) => c.notNull())
        .addColumn("base_job_template", "text", (c) => c.notNull().defaultTo("{}"))
        .addColumn("is_paused", t.integer, (c) => c.notNull().defaultTo(0))
        .addColumn("default_queue_id", "text")
        .addColumn("concurrency_limit", t.integer)
        .addColumn("status", "text")
        .addColumn("storage_configuration", "text", (c) => c.notNull().defaultTo("{}"))
        .execute();

      await base("work_queue")
        .addColumn("name", "text", (c) => c.notNull())
        .addColumn("description", "text")
        .addColumn("is_paused", t.integer, (c) => c.notNull().defaultTo(0))
        .addColumn("concurrency_limit", t.integer)
        .addColumn("priority", t.integer, (c) => c.notNull())
        .addColumn("work_pool_id", "text", (c) => c.notNull().references("work_pool.id").onDelete("cascade"))
        .addColumn("last_polled", "text")
        .addColumn("status", "text", (c) => c.notNull().defaultTo("NOT_READY"))
        .addUniqueConstraint("uq_work_queue_pool_name", ["work_pool_id", "name"])
        .execute();

      await base("worker")
        .addColumn("name", "text", (c) => c.notNull())
        .addColumn("work_pool_id", "text", (c) => c.notNull().references("work_pool.id").onDelete("cascade"))
        .addColumn("last_heartbeat_time", "text", (c) => c.notNull())
        .addColumn("heartbeat_interval_seconds", t.integer)
        .addColumn("status", "text", (c) => c.notNull().defaultTo("ONLINE"))
        .addUniqueConstraint("uq_worker_pool_name", ["work_pool_id", "name"])
        .execute();

      await base("deployment")
        .addColumn("name", "text", (c) => c.notNull())
        .addColumn("flow_id", "text", (c) => c.notNull().references("flow.id").onDelete("cascade"))
        .addColumn("version", "text")
        .addColumn("description", "text")
        .addColumn("tags", "text", (c) => c.notNull().defaultTo("[]"))
        .addColumn("labels", "text", (c) => c.notNull().defaultTo("{}"))
        .addColumn("parameters", "text", (c) => c.notNull().defaultTo("{}"))
        .addColumn("parameter_openapi_schema", "text")
        .addColumn("enforce_parameter_schema", t.integer, (c) => c.notNull().defaultTo(1))
        .addColumn("job_variables", "text", (c) => c.notNull().defaultTo("{}"))
        .addColumn("work_queue_id", "text", (c) => c.references("work_queue.id").onDelete("set null"))
        .addColumn("work_queue_name", "text")
        .addColumn("entrypoint", "text")
        .addColumn("path", "text")
        .addColumn("pull_steps", "text")
        .addColumn("storage_document_id", "text")
        .addColumn("infrastructure_document_id", "text")
        .addColumn("paused", t.integer, (c) => c.notNull().defaultTo(0))
        .addColumn("status", "text", (c) => c.notNull().defaultTo("NOT_READY"))
        .addColumn("concurrency_limit", t.integer)
        .addColumn("concurrency_options", "text")
        .addColumn("last_polled", "text")
        .addColumn("created_by", "text")
        .addColumn("updated_by", "text")
        .addUniqueConstraint("uq_deployment_flow_name", ["flow_id", "name"])
        .execute();

      await base("deployment_schedule")
        .addColumn("deployment_id", "text", (c) => c.notNull().references("deployment.id").onDelete("cascade"))
        .addColumn("schedule", "text", (c) => c.notNull())
        .addColumn("active", t.integer, (c) => c.notNull().defaultTo(1))
        .addColumn("max_scheduled_runs", t.integer)
        .addColumn("parameters", "text", (c) => c.notNull().defaultTo("{}"))
        .addColumn("slug", "text")
        .execute();

      const runColumns = (name: string) =>
        base(name)
          .addColumn("name", "text", (c) => c.notNull())
          .addColumn("state_id", "text")
          .addColumn("state_type", "text")
          .addColumn("state_name", "text")
          .addColumn("state_timestamp", "text")
          .addColumn("state", "text")
          .addColumn("empirical_policy", "text", (c) => c.notNull().defaultTo("{}"))
          .addColumn("tags", "text", (c) => c.notNull().defaultTo("[]"))
          .addColumn("labels", "text", (c) => c.notNull().defaultTo("{}"))
          .addColumn("run_count", t.integer, (c) => c.notNull().defaultTo(0))
          .addColumn("expected_start_time", "text")
          .addColumn("next_scheduled_start_time", "text")
          .addColumn("start_time", "text")
          .addColumn("end_time", "text")
          .addColumn("total_run_time", t.float, (c) => c.notNull().defaultTo(0))
          .addColumn("estimated_run_time", t.float, (c) => c.notNull().defaultTo(0));

      await runColumns("flow_run")
        .addColumn("flow_id", "text", (c) => c.notNull().references("flow.id").onDelete("cascade"))
        .addColumn("deployment_id", "text", (c) => c.references("deployment.id").onDelete("set null"))
        .addColumn("deployment_version", "text")
        .addColumn("flow_version", "text")
        .addColumn("work_queue_id", "text", (c) => c.references("work_queue.id").onDelete("set null"))
        .addColumn("work_queue_name", "text")
        .addColumn("work_pool_id", "text", (c) => c.references("work_pool.id").onDelete("set null"))
        // Pools cannot be renamed (as in Prefect), so the name is safe to keep beside the id.
        .addColumn("work_pool_name", "text")
        .addColumn("parameters", "text", (c) => c.notNull().defaultTo("{}"))
        .addColumn("idempotency_key", "text")
        .addColumn("context", "text", (c) => c.notNull().defaultTo("{}"))
        .addColumn("parent_task_run_id", "text")
        .addColumn("auto_scheduled", t.integer, (c) => c.notNull().defaultTo(0))
        .addColumn("infrastructure_document_id", "text")
        .addColumn("infrastructure_pid", "text")
        .addColumn("job_variables", "text", (c) => c.notNull().defaultTo("{}"))
        .addColumn("created_by", "text")
        .execute();

      await runColumns("task_run")
        .addColumn("flow_run_id", "text", (c) => c.references("flow_run.id").onDelete("cascade"))
        .addColumn("task_key", "text", (c) => c.notNull())
        .addColumn("dynamic_key", "text", (c) => c.notNull())
        .addColumn("cache_key", "text")
        .addColumn("cache_expiration", "text")
        .addColumn("task_version", "text")
        .addColumn("task_inputs", "text", (c) => c.notNull().defaultTo("{}"))
        .addColumn("flow_run_run_count", t.integer, (c) => c.notNull().defaultTo(0))
        .execute();

      for (const [table, parent] of [
        ["flow_run_state", "flow_run"],
        ["task_run_state", "task_run"],
      ] as const) {
        await base(table)
          .addColumn("run_id", "text", (c) => c.notNull().references(`${parent}.id`).onDelete("cascade"))
          .addColumn("type", "text", (c) => c.notNull())
          .addColumn("name", "text", (c) => c.notNull())
          .addColumn("timestamp", "text", (c) => c.notNull())
          .addColumn("message", "text")
          .addColumn("state_details", "text", (c) => c.notNull().defaultTo("{}"))
          .addColumn("data", "text")
          .execute();
        await db.schema.createIndex(`ix_${table}_run_timestamp`).on(table).columns(["run_id", "timestamp"]).execute();
      }

      await db.schema
        .createTable("log")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("created", "text", (c) => c.notNull())
        .addColumn("updated", "text", (c) => c.notNull())
        .addColumn("name", "text", (c) => c.notNull())
        .addColumn("level", t.integer, (c) => c.notNull())
        .addColumn("flow_run_id", "text")
        .addColumn("task_run_id", "text")
        .addColumn("message", "text", (c) => c.notNull())
        .addColumn("timestamp", "text", (c) => c.notNull())
        .execute();

      // Indexes for the hot paths: the worker's poll, run lists, state filters, logs of a run.
      await db.schema.createIndex("ix_flow_run_scheduled").on("flow_run").columns(["state_type", "work_queue_id", "next_scheduled_start_time"]).execute();
      await db.schema.createIndex("ix_flow_run_pool_state").on("flow_run").columns(["work_pool_id", "state_type"]).execute();
      await db.schema.createIndex("ix_flow_run_flow").on("flow_run").columns(["flow_id"]).execute();
      await db.schema.createIndex("ix_flow_run_deployment").on("flow_run").columns(["deployment_id", "state_type"]).execute();
      await db.schema.createIndex("ix_flow_run_expected_start").on("flow_run").columns(["expected_start_time"]).execute();
      await db.schema.createIndex("ix_flow_run_updated").on("flow_run").columns(["updated"]).execute();
      await db.schema.createIndex("uq_flow_run_idempotency").on("flow_run").columns(["flow_id", "idempotency_key"]).unique().execute();
      await db.schema.createIndex("ix_task_run_flow_run").on("task_run").columns(["flow_run_id"]).execute();
      await db.schema.createIndex("uq_task_run_key").on("task_run").columns(["flow_run_id", "task_key", "dynamic_key"]).unique().execute();
      await db.schema.createIndex("ix_log_flow_run").on("log").columns(["flow_run_id", "timestamp"]).execute();
      await db.schema.createIndex("ix_log_task_run").on("log").columns(["task_run_id"]).execute();
      await db.schema.createIndex("ix_deployment_schedule_deployment").on("deployment_schedule").columns(["deployment_id"]).execute();
      await db.schema.createIndex("ix_worker_pool").on("worker").columns(["work_pool_id", "last_heartbeat_time"]).execute();
    },
  };
}
