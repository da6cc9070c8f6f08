import type { Kysely } from "kysely";
import type { Engine } from "./engine.js";
import type { DB } from "./types.js";

/**
 * An open database: the query builder, its engine and how to close it. In its own module so that
 * both opening (open-database.ts) and migrating (migrate.ts) can name it without importing each other.
 */
export interface Database {
  db: Kysely<DB>;
  engine: Engine;
  /** Safe to show: the URL without its password. */
  description: string;
  /** PostgreSQL only: how to open a dedicated connection (LISTEN/NOTIFY for run events). */
  postgres?: { connectionString: string; schema?: string };
  close(): Promise<void>;
}
