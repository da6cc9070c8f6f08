import type { Kysely } from "kysely";
import type { Engine } from "../engine.js";
import { columnTypes } from "./column-types.js";
import { entityTable } from "./entity-table.js";

/**
 * Prefect's blocks: types (named kinds such as aws-credentials), schemas (a type's JSON Schema,
 * identified by checksum) and documents (stored values, e.g. one set of credentials), plus the
 * references of a document to the documents nested in it.
 */
export function blocksMigration(engine: Engine) {
  const t = columnTypes(engine);
  return {
    async up(db: Kysely<any>): Promise<void> {
      const base = (name: string) => entityTable(db, name);
      await base("block_type")
        .addColumn("name", "text", (c) => c.notNull().unique())
        .addColumn("slug", "text", (c) => c.notNull().unique())
        .addColumn("logo_url", "text")
        .addColumn("documentation_url", "text")
        .addColumn("description", "text")
        .addColumn("code_example", "text")
        .addColumn("is_protected", t.integer, (c) => c.notNull().defaultTo(0))
        .execute();
      await base("block_schema")
        .addColumn("checksum", "text", (c) => c.notNull())
        .addColumn("fields", "text", (c) => c.notNull().defaultTo("{}"))
        .addColumn("block_type_id", "text", (c) => c.notNull().references("block_type.id").onDelete("cascade"))
        .addColumn("capabilities", "text", (c) => c.notNull().defaultTo("[]"))
        .addColumn("version", "text", (c) => c.notNull())
        .addUniqueConstraint("uq_block_schema_checksum_version", ["checksum", "version"])
        .execute();
      await base("block_document")
        .addColumn("name", "text", (c) => c.notNull())
        .addColumn("data", "text", (c) => c.notNull().defaultTo("{}"))
        .addColumn("is_anonymous", t.integer, (c) => c.notNull().defaultTo(0))
        .addColumn("block_schema_id", "text", (c) => c.notNull().references("block_schema.id").onDelete("cascade"))
        .addColumn("block_type_id", "text", (c) => c.notNull().references("block_type.id").onDelete("cascade"))
        .addUniqueConstraint("uq_block_document_type_name", ["block_type_id", "name"])
        .execute();
      await base("block_document_reference")
        .addColumn("name", "text", (c) => c.notNull())
        .addColumn("parent_block_document_id", "text", (c) => c.notNull().references("block_document.id").onDelete("cascade"))
        .addColumn("reference_block_document_id", "text", (c) => c.notNull().references("block_document.id").onDelete("cascade"))
        .execute();
      await db.schema.createIndex("ix_block_schema_type").on("block_schema").columns(["block_type_id"]).execute();
      await db.schema.createIndex("ix_block_document_reference_parent").on("block_document_reference").columns(["parent_block_document_id"]).execute();
    },
    async down(db: Kysely<any>): Promise<void> {
      for (const table of ["block_document_reference", "block_document", "block_schema", "block_type"]) await db.schema.dropTable(table).execute();
    },
  };
}
