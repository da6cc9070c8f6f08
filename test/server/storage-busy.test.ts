import BetterSqlite3 from "better-sqlite3";
import { sql } from "kysely";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { buildApp, type EcsflowApp } from "../../packages/server/src/app.js";
import { parseDatabaseUrl } from "../../packages/server/src/database/index.js";
import { isTransientStorageError } from "../../packages/server/src/database/transient-errors.js";
import { createTestDatabase, ENGINES, PG_URL, type TestDatabase } from "../support/test-database.js";

/**
 * Another client holds the write lock past the server's wait: the API answers 503 with
 * Retry-After (the request can be sent again), writes nothing, and works again once the lock is gone.
 */
describe.each(ENGINES)("storage busy on $engine", ({ engine, available, skipReason }) => {
  let database: TestDatabase | undefined;
  let app: EcsflowApp | undefined;
  let releaseLock: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await releaseLock?.();
    await app?.close();
    await database?.destroy();
  });

  /** Makes the server give up on a lock quickly, then takes the write lock from a second client. */
  async function holdWriteLock(db: TestDatabase): Promise<() => Promise<void>> {
    if (engine === "sqlite") {
      await sql`pragma busy_timeout = 0`.execute(db.db);
      const other = new BetterSqlite3((parseDatabaseUrl(db.url) as { path: string }).path);
      other.exec("BEGIN IMMEDIATE");
      return async () => {
        other.exec("ROLLBACK");
        other.close();
      };
    }
    // One pooled connection, so the session setting applies to every query the server makes.
    await sql`set lock_timeout = '200ms'`.execute(db.db);
    const other = new pg.Client({ connectionString: PG_URL });
    await other.connect();
    await other.query(`BEGIN; LOCK TABLE ${db.schema}.flow IN ACCESS EXCLUSIVE MODE`);
    return async () => {
      await other.query("ROLLBACK");
      await other.end();
    };
  }

  it.skipIf(!available)(`answers 503 with Retry-After, writes nothing, and recovers ${skipReason}`, async () => {
    database = await createTestDatabase(engine, { poolSize: 1 });
    app = await buildApp({ database });
    releaseLock = await holdWriteLock(database);

    const busy = await app.inject({ method: "POST", url: "/api/flows/", payload: { name: "locked-out" } });
    expect(busy.statusCode).toBe(503);
    expect(busy.headers["retry-after"]).toBe("1");
    expect(busy.json()).toEqual({ exception_message: "Service Unavailable", detail: "The database is busy; try again shortly." });

    await releaseLock();
    releaseLock = undefined;
    expect((await app.inject({ method: "POST", url: "/api/flows/filter", payload: {} })).json()).toEqual([]);
    const created = await app.inject({ method: "POST", url: "/api/flows/", payload: { name: "locked-out" } });
    expect(created.statusCode).toBe(201);
  });
});

describe("isTransientStorageError", () => {
  it.each([
    ["SQLITE_BUSY", true],
    ["SQLITE_BUSY_SNAPSHOT", true],
    ["SQLITE_LOCKED", true],
    ["SQLITE_BUSYX", false],
    ["SQLITE_CONSTRAINT_UNIQUE", false],
    ["40001", true],
    ["40P01", true],
    ["55P03", true],
    ["23505", false],
  ])("%s → %s", (code, transient) => {
    expect(isTransientStorageError(Object.assign(new Error("x"), { code }))).toBe(transient);
  });

  it("ignores values without a code", () => {
    expect(isTransientStorageError(new Error("x"))).toBe(false);
    expect(isTransientStorageError(null)).toBe(false);
    expect(isTransientStorageError("SQLITE_BUSY")).toBe(false);
  });
});
