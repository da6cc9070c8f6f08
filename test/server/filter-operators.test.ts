import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "kysely";
import * as f from "../../packages/server/src/models/filters/filter-operators.js";
import { createTestDatabase, ENGINES, type TestDatabase } from "../support/test-database.js";

// The operators run against the real engines: a tiny table of flows with tags.
describe.each(ENGINES)("filter operators on $engine", ({ engine, available, skipReason }) => {
  let tdb: TestDatabase;
  const t0 = "2026-01-01T00:00:00.000000Z";
  beforeAll(async () => {
    if (!available) return;
    tdb = await createTestDatabase(engine);
    const rows = [
      { id: "a", name: "Alpha_flow", tags: ["x", "y"], created: "2026-01-01T00:00:00.000000Z" },
      { id: "b", name: "beta", tags: ["y"], created: "2026-01-02T00:00:00.000000Z" },
      { id: "c", name: "gamma%", tags: [], created: "2026-01-03T00:00:00.000000Z" },
    ];
    for (const r of rows) {
      await tdb.db.insertInto("flow").values({ id: r.id, name: r.name, tags: JSON.stringify(r.tags), labels: "{}", created: r.created, updated: t0 }).execute();
    }
  });
  afterAll(async () => tdb?.destroy());

  const ids = async (cond: f.Condition) =>
    (await tdb.db.selectFrom("flow").select("id").where(cond).orderBy("id").execute()).map((r) => r.id);

  it.skipIf(!available)(`any_, not_any_ and empty lists ${skipReason}`, async () => {
    expect(await ids(f.and([f.anyOf("flow.id", ["a", "c"])]))).toEqual(["a", "c"]);
    expect(await ids(f.and([f.anyOf("flow.id", [])]))).toEqual([]);
    expect(await ids(f.and([f.notAnyOf("flow.id", ["a"])]))).toEqual(["b", "c"]);
    expect(await ids(f.and([f.anyOf("flow.id", undefined)]))).toEqual(["a", "b", "c"]);
  });

  it.skipIf(!available)(`before_ and after_ on timestamps ${skipReason}`, async () => {
    expect(await ids(f.and([f.after("flow.created", "2026-01-02T00:00:00Z")]))).toEqual(["b", "c"]);
    expect(await ids(f.and([f.before("flow.created", "2026-01-02T00:00:00+00:00")]))).toEqual(["a", "b"]);
  });

  it.skipIf(!available)(`like_ is a case-insensitive substring with wildcards escaped ${skipReason}`, async () => {
    expect(await ids(f.and([f.like(engine, "flow.name", "ALPHA")]))).toEqual(["a"]);
    expect(await ids(f.and([f.like(engine, "flow.name", "%")]))).toEqual(["c"]);
    expect(await ids(f.and([f.like(engine, "flow.name", "_")]))).toEqual(["a"]);
  });

  it.skipIf(!available)(`tags all_, any_ and is_null_ ${skipReason}`, async () => {
    expect(await ids(f.and([f.jsonArrayContainsAll(engine, "flow.tags", ["x", "y"])]))).toEqual(["a"]);
    expect(await ids(f.and([f.jsonArrayContainsAll(engine, "flow.tags", ["y"])]))).toEqual(["a", "b"]);
    expect(await ids(f.and([f.jsonArrayContainsAny(engine, "flow.tags", ["x", "z"])]))).toEqual(["a"]);
    expect(await ids(f.and([f.jsonArrayIsEmpty("flow.tags", true)]))).toEqual(["c"]);
  });

  it.skipIf(!available)(`or and and combine ${skipReason}`, async () => {
    const cond = f.and([f.or([f.anyOf("flow.id", ["a"]), f.anyOf("flow.id", ["c"])]), f.notAnyOf("flow.id", ["c"])]);
    expect(await ids(cond)).toEqual(["a"]);
    expect((await sql<{ one: number }>`select 1 as one`.execute(tdb.db)).rows[0].one).toBe(1);
  });
});
