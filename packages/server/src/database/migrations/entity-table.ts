import type { Kysely } from "kysely";

/** A new table with the columns every stored entity has: a text id, and created/updated timestamps. */
export function entityTable(db: Kysely<any>, name: string) {
  return db.schema
    .createTable(name)
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("created", "text", (c) => c.notNull())
    .addColumn("updated", "text", (c) => c.notNull());
}
