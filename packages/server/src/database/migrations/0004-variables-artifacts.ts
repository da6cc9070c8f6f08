import type { Kysely } from "kysely";
import type { Engine } from "../engine.js";

/**
 * Variables (named JSON values) and artifacts (results, tables, markdown that runs publish).
 * `artifact_collection` holds one row per artifact key, a copy of that key's newest artifact, so
 * the "latest" reads are plain indexed reads instead of a newest-per-group query over all versions.
 * Artifacts keep no foreign keys to runs: as in Prefect, they outlive the runs that made them.
 */
export function variablesArtifactsMigration(_engine: Engine) {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable("variable")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("created", "text", (c) => c.notNull())
        .addColumn("updated", "text", (c) => c.notNull())
        .addColumn("name", "text", (c) => c.notNull().unique())
        .addColumn("value", "text")
        .addColumn("tags", "text", (c) => c.notNull().defaultTo("[]"))
        .execute();

      const artifactColumns = (table: string) =>
        db.schema
          .createTable(table)
          .addColumn("id", "text", (c) => c.primaryKey())
          .addColumn("created", "text", (c) => c.notNull())
          .addColumn("updated", "text", (c) => c.notNull())
          .addColumn("type", "text")
          .addColumn("description", "text")
          .addColumn("data", "text")
          .addColumn("metadata_", "text")
          .addColumn("flow_run_id", "text")
          .addColumn("task_run_id", "text");
      await artifactColumns("artifact").addColumn("key", "text").execute();
      await artifactColumns("artifact_collection")
        .addColumn("key", "text", (c) => c.notNull().unique())
        .addColumn("latest_id", "text", (c) => c.notNull())
        .execute();
      await db.schema.createIndex("ix_artifact_key").on("artifact").columns(["key", "id"]).execute();
      await db.schema.createIndex("ix_artifact_flow_run").on("artifact").columns(["flow_run_id"]).execute();
      await db.schema.createIndex("ix_artifact_task_run").on("artifact").columns(["task_run_id"]).execute();
      await db.schema.createIndex("ix_artifact_collection_latest").on("artifact_collection").columns(["latest_id"]).execute();
    },
    async down(db: Kysely<any>): Promise<void> {
      await db.schema.dropTable("artifact_collection").execute();
      await db.schema.dropTable("artifact").execute();
      await db.schema.dropTable("variable").execute();
    },
  };
}
