import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { openDatabase, type Database, type Engine } from "../../packages/server/src/database/index.js";

/** PostgreSQL for tests: trust auth on these machines; override with ECSFLOW_TEST_PG_URL. */
export const PG_URL = process.env.ECSFLOW_TEST_PG_URL ?? "postgresql://postgres@127.0.0.1:5432/test";

async function postgresReachable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query("SELECT 1");
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

const pgUp = await postgresReachable();
if (!pgUp && process.env.CI) {
  // In CI PostgreSQL must be there; a skip would hide half of every storage suite.
  throw new Error(`PostgreSQL is not reachable at ${PG_URL}; .ci/run should have started it.`);
}

/** Every storage suite runs once per engine; PostgreSQL is skipped visibly when it is not running. */
export const ENGINES: { engine: Engine; available: boolean; skipReason: string }[] = [
  { engine: "sqlite", available: true, skipReason: "" },
  {
    engine: "postgresql",
    available: pgUp,
    skipReason: pgUp ? "" : `(skipped: PostgreSQL not reachable at ${PG_URL}; start it, e.g. pg_ctlcluster 15 main start)`,
  },
];

export interface TestDatabase extends Database {
  /** A URL another process (a spawned server) can open; for PostgreSQL it carries the schema in `options`. */
  url: string;
  /** PostgreSQL schema of this test database. */
  schema?: string;
  /** Drops the schema / deletes the file. */
  destroy(): Promise<void>;
}

/** A fresh, migrated database: a temporary SQLite file, or a new PostgreSQL schema. */
export async function createTestDatabase(engine: Engine, options: { poolSize?: number } = {}): Promise<TestDatabase> {
  if (engine === "sqlite") {
    const dir = mkdtempSync(join(tmpdir(), "ecsflow-test-db-"));
    const url = `sqlite://${join(dir, "test.db")}`;
    const database = await openDatabase({ url, sqliteSynchronous: "NORMAL" });
    return {
      ...database,
      url,
      async destroy() {
        await database.close().catch(() => undefined);
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const schema = `t_${randomBytes(6).toString("hex")}`;
  const database = await openDatabase({ url: PG_URL, schema, poolSize: options.poolSize });
  const sep = PG_URL.includes("?") ? "&" : "?";
  return {
    ...database,
    url: `${PG_URL}${sep}options=${encodeURIComponent(`-c search_path=${schema}`)}`,
    schema,
    async destroy() {
      await database.close().catch(() => undefined);
      const admin = new pg.Client({ connectionString: PG_URL });
      await admin.connect();
      try {
        await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      } finally {
        await admin.end();
      }
    },
  };
}
