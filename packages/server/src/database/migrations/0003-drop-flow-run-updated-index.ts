import type { Kysely } from "kysely";
import type { Engine } from "../engine.js";

/**
 * Drops `ix_flow_run_updated`: no query filters or sorts flow runs by `updated`, yet every state
 * transition moves the run's entry in it (a page written per transition, on a path where pages
 * written is what a commit costs).
 */
export function dropFlowRunUpdatedIndexMigration(_engine: Engine) {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema.dropIndex("ix_flow_run_updated").ifExists().execute();
    },
    async down(db: Kysely<any>): Promise<void> {
      await db.schema.createIndex("ix_flow_run_updated").on("flow_run").columns(["updated"]).execute();
    },
  };
}
