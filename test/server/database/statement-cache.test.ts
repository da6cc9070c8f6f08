import BetterSqlite3 from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { cachePreparedStatements } from "../../../packages/server/src/database/statement-cache.js";

describe("prepared statement cache (SQLite)", () => {
  it("reuses a statement for the same SQL, with its own parameters each time", () => {
    const db = new BetterSqlite3(":memory:");
    cachePreparedStatements(db);
    db.exec("create table t (x integer)");
    const insert = db.prepare("insert into t (x) values (?)");
    expect(db.prepare("insert into t (x) values (?)")).toBe(insert);
    insert.run(1);
    db.prepare("insert into t (x) values (?)").run(2);
    expect(db.prepare("select x from t order by x").all()).toEqual([{ x: 1 }, { x: 2 }]);
    db.close();
  });

  it("gives a fresh statement while the cached one is still being iterated", () => {
    const db = new BetterSqlite3(":memory:");
    cachePreparedStatements(db);
    db.exec("create table t (x integer); insert into t values (1), (2)");
    const outer = db.prepare("select x from t order by x");
    const seen: number[] = [];
    for (const row of outer.iterate() as Iterable<{ x: number }>) {
      const inner = db.prepare("select x from t order by x");
      expect(inner).not.toBe(outer);
      seen.push(row.x, ...(inner.all() as { x: number }[]).map((r) => r.x));
    }
    expect(seen).toEqual([1, 1, 2, 2, 1, 2]);
    db.close();
  });

  it("keeps at most the configured number of statements, dropping the least recently used", () => {
    const db = new BetterSqlite3(":memory:");
    cachePreparedStatements(db, 2);
    const a = db.prepare("select 1");
    db.prepare("select 2");
    expect(db.prepare("select 1")).toBe(a);
    db.prepare("select 3");
    const b = db.prepare("select 2");
    expect(db.prepare("select 2")).toBe(b);
    expect(db.prepare("select 1")).not.toBe(a);
    db.close();
  });
});
