import type { Kysely } from "kysely";
import type { Engine } from "../engine.js";

/**
 * Leases of the background services: one row per service naming the server process that runs it
 * until `expires`, so several replicas on one database do each pass once (see service-lease.ts).
 */
export function serviceLeasesMigration(_engine: Engine) {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable("service_lease")
        .addColumn("name", "text", (c) => c.primaryKey())
        .addColumn("holder", "text", (c) => c.notNull())
        .addColumn("expires", "text", (c) => c.notNull())
        .execute();
    },
    async down(db: Kysely<any>): Promise<void> {
      await db.schema.dropTable("service_lease").execute();
    },
  };
}
