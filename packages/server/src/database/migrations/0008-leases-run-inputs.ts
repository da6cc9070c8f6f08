import type { Kysely } from "kysely";
import type { Engine } from "../engine.js";
import { columnTypes } from "./column-types.js";

/**
 * Concurrency leases and flow-run inputs:
 * - `concurrency_lease`: slots of global (v2) limits taken with `increment-with-lease`, held until
 *   `expiration` unless renewed; `concurrency_lease_slot` names the limits (one row each) whose
 *   slots a lease holds. A row is deleted exactly when its slots are given back (by
 *   `decrement-with-lease`, or because the lease expired), inside the transaction that holds the
 *   limit's lock, so no slot is given back twice.
 * - `flow_run_input`: Prefect's key/value inputs of a flow run (`pause_flow_run(wait_for_input=…)`,
 *   `send_input`); one value per key, deleted with the run.
 */
export function leasesRunInputsMigration(engine: Engine) {
  const t = columnTypes(engine);
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable("concurrency_lease")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("created", "text", (c) => c.notNull())
        .addColumn("expiration", "text", (c) => c.notNull())
        .addColumn("slots", t.integer, (c) => c.notNull())
        .addColumn("holder", "text")
        .execute();
      await db.schema.createIndex("ix_concurrency_lease_expiration").on("concurrency_lease").columns(["expiration"]).execute();
      await db.schema
        .createTable("concurrency_lease_slot")
        .addColumn("lease_id", "text", (c) => c.notNull().references("concurrency_lease.id").onDelete("cascade"))
        .addColumn("limit_id", "text", (c) => c.notNull().references("concurrency_limit_v2.id").onDelete("cascade"))
        .addPrimaryKeyConstraint("pk_concurrency_lease_slot", ["lease_id", "limit_id"])
        .execute();
      await db.schema.createIndex("ix_concurrency_lease_slot_limit").on("concurrency_lease_slot").columns(["limit_id"]).execute();

      await db.schema
        .createTable("flow_run_input")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("created", "text", (c) => c.notNull())
        .addColumn("updated", "text", (c) => c.notNull())
        .addColumn("flow_run_id", "text", (c) => c.notNull().references("flow_run.id").onDelete("cascade"))
        .addColumn("key", "text", (c) => c.notNull())
        .addColumn("value", "text", (c) => c.notNull())
        .addColumn("sender", "text")
        .addUniqueConstraint("uq_flow_run_input_flow_run_key", ["flow_run_id", "key"])
        .execute();
    },
    async down(db: Kysely<any>): Promise<void> {
      await db.schema.dropTable("flow_run_input").execute();
      await db.schema.dropTable("concurrency_lease_slot").execute();
      await db.schema.dropTable("concurrency_lease").execute();
    },
  };
}
