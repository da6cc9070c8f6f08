import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Kysely } from "kysely";
import { QueryTemplate, QueryTemplateCache } from "../../../packages/server/src/database/query-template.js";
import { createTestDatabase, ENGINES, type TestDatabase } from "../../support/test-database.js";

describe.each(ENGINES)("query templates on $engine", ({ engine, available, skipReason }) => {
  let tdb: TestDatabase;
  let db: Kysely<any>;
  beforeAll(async () => {
    if (!available) return;
    tdb = await createTestDatabase(engine);
    db = tdb.db as unknown as Kysely<any>;
    const now = new Date().toISOString();
    await db
      .insertInto("flow")
      .values(["a", "b", "c"].map((name, i) => ({ id: `00000000-0000-7000-8000-00000000000${i}`, created: now, updated: now, name, tags: "[]", labels: "{}" })))
      .execute();
  });
  afterAll(async () => tdb?.destroy());

  it.skipIf(!available)(`binds named values in any order, a name used twice included ${skipReason}`, async () => {
    const template = QueryTemplate.compile<"first" | "second">((param) =>
      db.selectFrom("flow").select("name").where((eb) => eb.or([eb("name", "=", param("first")), eb("name", "=", param("second")), eb("id", "=", param("first"))])).orderBy("name"),
    );
    const rows = (await db.executeQuery(template.bind({ second: "c", first: "a" }))).rows;
    expect(rows).toEqual([{ name: "a" }, { name: "c" }]);
    expect((await db.executeQuery(template.bind({ first: "b", second: "none" }))).rows).toEqual([{ name: "b" }]);
  });

  it.skipIf(!available)(`runs updates compiled once for many rows ${skipReason}`, async () => {
    const cache = new QueryTemplateCache<"name" | "tags">();
    const build = (k: Kysely<any>, param: (n: "name" | "tags") => unknown) => k.updateTable("flow").set({ tags: param("tags") }).where("name", "=", param("name"));
    const first = cache.get(tdb, "update tags", build);
    expect(cache.get(tdb, "update tags", build)).toBe(first);
    for (const name of ["a", "b"]) {
      const result = await db.executeQuery(first.bind({ name, tags: `["${name}"]` }));
      expect(Number(result.numAffectedRows)).toBe(1);
    }
    expect(await db.selectFrom("flow").select(["name", "tags"]).orderBy("name").execute()).toEqual([
      { name: "a", tags: '["a"]' },
      { name: "b", tags: '["b"]' },
      { name: "c", tags: "[]" },
    ]);
  });

  it.skipIf(!available)(`refuses a template with a constant where a value would be bound ${skipReason}`, () => {
    expect(() => QueryTemplate.compile(() => db.selectFrom("flow").select("id").where("name", "=", "fixed"))).toThrow(/constant/);
  });
});
