import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { Kysely, PostgresDialect, SqliteDialect, sql } from "kysely";
import pg from "pg";
import type { Database } from "./database.js";
import { DatabaseConfigError } from "./errors.js";
import { migrateToLatest } from "./migrate.js";
import { parseDatabaseUrl } from "./parse-database-url.js";
import { cachePreparedStatements } from "./statement-cache.js";
import type { DB } from "./types.js";

export type { Database } from "./database.js";

export interface OpenDatabaseOptions {
  url: string;
  /** PostgreSQL only: a schema to create (if missing) and use, so tests and tenants stay apart. */
  schema?: string;
  /** PostgreSQL connection pool size. */
  poolSize?: number;
  /** Run migrations on open (the server does; tools that only read may not). */
  migrate?: boolean;
  /**
   * SQLite `synchronous` pragma. FULL makes every commit survive power loss; NORMAL (with WAL)
   * survives a process crash but may lose the last commits on power loss.
   */
  sqliteSynchronous?: "FULL" | "NORMAL";
}

// PostgreSQL returns COUNT(*) and bigint as strings; every count we take fits a JS number.
pg.types.setTypeParser(20, (v: string) => Number(v));

export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  const parsed = parseDatabaseUrl(options.url);
  let db: Kysely<DB>;
  let description: string;
  let postgres: Database["postgres"];
  if (parsed.engine === "sqlite") {
    if (parsed.path !== ":memory:") mkdirSync(dirname(parsed.path), { recursive: true });
    let conn: BetterSqlite3.Database;
    try {
      conn = new BetterSqlite3(parsed.path);
    } catch (cause) {
      throw new DatabaseConfigError(`Cannot open SQLite database ${parsed.path}: ${(cause as Error).message}`, { cause });
    }
    conn.pragma("journal_mode = WAL");
    conn.pragma(`synchronous = ${options.sqliteSynchronous ?? "FULL"}`);
    // Another process (a second server, the CLI) may hold the write lock briefly; wait rather than fail.
    conn.pragma("busy_timeout = 10000");
    conn.pragma("foreign_keys = ON");
    cachePreparedStatements(conn);
    db = new Kysely<DB>({ dialect: new SqliteDialect({ database: conn }) });
    description = `sqlite://${parsed.path}`;
  } else {
    const schema = options.schema;
    if (schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
      throw new DatabaseConfigError(`Invalid PostgreSQL schema name "${schema}".`);
    }
    if (schema) {
      const admin = new pg.Client({ connectionString: parsed.connectionString });
      try {
        await admin.connect();
        await admin.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
      } catch (cause) {
        throw new DatabaseConfigError(`Cannot connect to PostgreSQL: ${(cause as Error).message}`, { cause });
      } finally {
        await admin.end().catch(() => undefined);
      }
    }
    const pool = new pg.Pool({
      connectionString: parsed.connectionString,
      max: options.poolSize ?? 10,
      ...(schema ? { options: `-c search_path=${schema}` } : {}),
    });
    db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
    try {
      await sql`SELECT 1`.execute(db);
    } catch (cause) {
      await db.destroy().catch(() => undefined);
      throw new DatabaseConfigError(`Cannot connect to PostgreSQL: ${(cause as Error).message}`, { cause });
    }
    postgres = { connectionString: parsed.connectionString, ...(schema ? { schema } : {}) };
    description = parsed.connectionString.replace(/\/\/([^:/@]+):[^@]*@/, "//$1:****@");
  }
  const database: Database = { db, engine: parsed.engine, description, ...(postgres ? { postgres } : {}), close: () => db.destroy() };
  if (options.migrate !== false) {
    try {
      await migrateToLatest(database);
    } catch (err) {
      await db.destroy().catch(() => undefined);
      throw err;
    }
  }
  return database;
}
