import type { Kysely } from "kysely";
import type { Engine } from "../engine.js";
import { columnTypes } from "./column-types.js";
import { entityTable } from "./entity-table.js";

/**
 * Prefect's two kinds of concurrency limit and the task-run state cache:
 * - `concurrency_limit` (v1): one row per task-run tag; `active_slots` is the JSON list of the task
 *   runs holding a slot, changed only inside a task run's state transition or by the API.
 * - `concurrency_limit_v2` (global limits): counters that clients increment and decrement.
 * - `task_run_state_cache`: COMPLETED task-run states by cache key, for CacheRetrieval.
 */
export function concurrencyLimitsMigration(engine: Engine) {
  const t = columnTypes(engine);
  return {
    async up(db: Kysely<any>): Promise<void> {
      const base = (name: string) => entityTable(db, name);

      await base("concurrency_limit")
        .addColumn("tag", "text", (c) => c.notNull().unique())
        .addColumn("concurrency_limit", t.integer, (c) => c.notNull())
        .addColumn("active_slots", "text", (c) => c.notNull().defaultTo("[]"))
        .execute();

      await base("concurrency_limit_v2")
        .addColumn("name", "text", (c) => c.notNull().unique())
        .addColumn("active", t.integer, (c) => c.notNull().defaultTo(1))
        .addColumn("limit", t.integer, (c) => c.notNull())
        .addColumn("active_slots", t.integer, (c) => c.notNull().defaultTo(0))
        .addColumn("denied_slots", t.integer, (c) => c.notNull().defaultTo(0))
        .addColumn("slot_decay_per_second", t.float, (c) => c.notNull().defaultTo(0))
        .addColumn("avg_slot_occupancy_seconds", t.float, (c) => c.notNull().defaultTo(2))
        .execute();

      await base("task_run_state_cache")
        .addColumn("cache_key", "text", (c) => c.notNull())
        .addColumn("cache_expiration", "text")
        .addColumn("task_run_state_id", "text", (c) => c.notNull())
        .execute();
      await db.schema.createIndex("ix_task_run_state_cache_key_created").on("task_run_state_cache").columns(["cache_key", "created"]).execute();
    },
    async down(db: Kysely<any>): Promise<void> {
      await db.schema.dropTable("task_run_state_cache").execute();
      await db.schema.dropTable("concurrency_limit_v2").execute();
      await db.schema.dropTable("concurrency_limit").execute();
    },
  };
}
