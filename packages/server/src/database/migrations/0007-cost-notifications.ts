import type { Kysely } from "kysely";
import type { Engine } from "../engine.js";
import { columnTypes } from "./column-types.js";

/**
 * Run costs and webhook notifications (issue #18, parts 3 and 4). A run's cost lives in its own
 * table rather than on flow_run: the run row is the hottest row of the server, and Prefect's
 * FlowRun shape has no place for it; deleting the run deletes its cost. Subscriptions and their
 * queued deliveries are ecsflow's own, under /api/ecsflow/notifications.
 */
export function costNotificationsMigration(engine: Engine) {
  const t = columnTypes(engine);
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable("flow_run_cost")
        .addColumn("flow_run_id", "text", (c) => c.primaryKey().references("flow_run.id").onDelete("cascade"))
        .addColumn("created", "text", (c) => c.notNull())
        .addColumn("updated", "text", (c) => c.notNull())
        .addColumn("launch_type", "text", (c) => c.notNull())
        .addColumn("capacity_provider", "text")
        .addColumn("cpu_architecture", "text")
        .addColumn("region", "text")
        .addColumn("cpu_units", t.integer)
        .addColumn("memory_mib", t.integer)
        .addColumn("instance_type", "text")
        .addColumn("started_at", "text")
        .addColumn("stopped_at", "text")
        .addColumn("billed_seconds", t.float)
        .addColumn("cost_usd", t.float)
        .addColumn("pricing", "text", (c) => c.notNull())
        .execute();

      await db.schema
        .createTable("notification_subscription")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("created", "text", (c) => c.notNull())
        .addColumn("updated", "text", (c) => c.notNull())
        .addColumn("name", "text", (c) => c.notNull())
        .addColumn("url", "text", (c) => c.notNull())
        .addColumn("format", "text", (c) => c.notNull())
        .addColumn("secret", "text", (c) => c.notNull())
        .addColumn("state_types", "text", (c) => c.notNull().defaultTo("[]"))
        .addColumn("state_names", "text", (c) => c.notNull().defaultTo("[]"))
        .addColumn("deployment_ids", "text", (c) => c.notNull().defaultTo("[]"))
        .addColumn("work_pool_names", "text", (c) => c.notNull().defaultTo("[]"))
        .addColumn("tags", "text", (c) => c.notNull().defaultTo("[]"))
        .addColumn("last_delivery_status", "text")
        .addColumn("last_delivery_attempts", t.integer)
        .addColumn("last_delivery_error", "text")
        .addColumn("last_delivery_at", "text")
        .execute();

      await db.schema
        .createTable("notification_delivery")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("created", "text", (c) => c.notNull())
        .addColumn("updated", "text", (c) => c.notNull())
        .addColumn("subscription_id", "text", (c) => c.notNull().references("notification_subscription.id").onDelete("cascade"))
        .addColumn("flow_run_id", "text", (c) => c.notNull())
        .addColumn("body", "text", (c) => c.notNull())
        .addColumn("status", "text", (c) => c.notNull())
        .addColumn("attempts", t.integer, (c) => c.notNull().defaultTo(0))
        .addColumn("next_attempt_at", "text", (c) => c.notNull())
        .addColumn("last_status_code", t.integer)
        .addColumn("last_error", "text")
        .execute();
      // The delivery service's one query: the due rows of those still pending.
      await db.schema.createIndex("ix_notification_delivery_due").on("notification_delivery").columns(["status", "next_attempt_at"]).execute();
      await db.schema.createIndex("ix_notification_delivery_subscription").on("notification_delivery").column("subscription_id").execute();
    },
    async down(db: Kysely<any>): Promise<void> {
      await db.schema.dropTable("notification_delivery").execute();
      await db.schema.dropTable("notification_subscription").execute();
      await db.schema.dropTable("flow_run_cost").execute();
    },
  };
}
