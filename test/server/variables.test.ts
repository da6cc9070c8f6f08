import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectResponseMatches, openApiAvailable } from "../support/openapi-contract.js";
import { ENGINES } from "../support/test-database.js";
import { startTestServer, type TestServer } from "../support/test-server.js";

describe.each(ENGINES)("variables on $engine", ({ engine, available, skipReason }) => {
  let server: TestServer;
  beforeAll(async () => {
    if (available) server = await startTestServer(engine);
  });
  afterAll(async () => server?.close());

  const count = async (body: unknown = {}) => (await server.request("POST", "/variables/count", body)).body as number;

  it.skipIf(!available)(`creates, reads by id and name, and keeps any JSON value ${skipReason}`, async () => {
    for (const [name, value] of [["v-str", "text"], ["v-num", 1.5], ["v-obj", { a: [1, null] }], ["v-null", null], ["v-list", [true]]] as const) {
      const r = await server.request("POST", "/variables/", { name, value, tags: ["t1"] });
      expect(r.status).toBe(201);
      expect(r.body).toMatchObject({ name, value, tags: ["t1"] });
      if (openApiAvailable) expectResponseMatches("POST", "/variables/", 201, r.body);
      const byId = await server.request("GET", `/variables/${r.body.id}`);
      expect(byId.body).toEqual(r.body);
      const byName = await server.request("GET", `/variables/name/${name}`);
      expect(byName.body).toEqual(r.body);
    }
  });

  it.skipIf(!available)(`answers 409 for a taken name and 422 naming the field for bad input, writing nothing ${skipReason}`, async () => {
    await server.request("POST", "/variables/", { name: "dup", value: 1 });
    const before = await count();
    expect((await server.request("POST", "/variables/", { name: "dup", value: 2 })).status).toBe(409);
    const bad: [unknown, (string | number)[]][] = [
      [{ name: "Upper", value: 1 }, ["body", "name"]],
      [{ name: "x".repeat(256), value: 1 }, ["body", "name"]],
      [{ name: "ok-name" }, ["body", "value"]],
      [{ name: "long-value", value: "x".repeat(5000) }, ["body", "value"]],
      [{ name: "bad-tags", value: 1, tags: [1] }, ["body", "tags", 0]],
    ];
    for (const [body, loc] of bad) {
      const r = await server.request("POST", "/variables/", body);
      expect(r.status, JSON.stringify(body).slice(0, 60)).toBe(422);
      expect(r.body.detail.map((d: { loc: unknown }) => d.loc)).toContainEqual(loc);
    }
    expect(await count()).toBe(before);
    expect((await server.request("GET", "/variables/name/dup")).body.value).toBe(1);
  });

  it.skipIf(!available)(`updates and deletes by id and by name; 404 for missing ones ${skipReason}`, async () => {
    const v = (await server.request("POST", "/variables/", { name: "upd", value: "a", tags: ["x"] })).body;
    expect((await server.request("PATCH", `/variables/${v.id}`, { value: { b: 2 }, tags: null })).status).toBe(204);
    expect((await server.request("GET", `/variables/${v.id}`)).body).toMatchObject({ value: { b: 2 }, tags: ["x"] });
    expect((await server.request("PATCH", "/variables/name/upd", { name: "upd2" })).status).toBe(204);
    expect((await server.request("GET", "/variables/name/upd2")).body.id).toBe(v.id);
    expect((await server.request("PATCH", "/variables/name/upd2", { name: "dup" })).status).toBe(409);
    expect((await server.request("PATCH", "/variables/name/upd2", { value: null })).status).toBe(204);
    expect((await server.request("GET", "/variables/name/upd2")).body.value).toBeNull();
    const missing = "00000000-0000-4000-8000-000000000000";
    expect((await server.request("GET", `/variables/${missing}`)).status).toBe(404);
    expect((await server.request("GET", "/variables/name/nope")).status).toBe(404);
    expect((await server.request("PATCH", `/variables/${missing}`, { value: 1 })).status).toBe(404);
    expect((await server.request("PATCH", "/variables/name/nope", { value: 1 })).status).toBe(404);
    expect((await server.request("DELETE", `/variables/${missing}`)).status).toBe(404);
    expect((await server.request("DELETE", "/variables/name/upd2")).status).toBe(204);
    expect((await server.request("GET", `/variables/${v.id}`)).status).toBe(404);
    const w = (await server.request("POST", "/variables/", { name: "del-by-id", value: 1 })).body;
    expect((await server.request("DELETE", `/variables/${w.id}`)).status).toBe(204);
    expect((await server.request("DELETE", "/variables/name/del-by-id")).status).toBe(404);
  });

  it.skipIf(!available)(`filters by name, like_, tags and sorts, as Prefect does ${skipReason}`, async () => {
    await server.request("POST", "/variables/", { name: "flt-a", value: 1, tags: ["red", "big"] });
    await server.request("POST", "/variables/", { name: "flt-b", value: 2, tags: ["red"] });
    await server.request("POST", "/variables/", { name: "flt-c", value: 3 });
    const names = async (body: unknown) => {
      const r = await server.request("POST", "/variables/filter", body);
      expect(r.status).toBe(200);
      if (openApiAvailable) expectResponseMatches("POST", "/variables/filter", 200, r.body);
      return (r.body as { name: string }[]).map((v) => v.name);
    };
    expect(await names({ variables: { name: { like_: "flt-" } } })).toEqual(["flt-a", "flt-b", "flt-c"]);
    expect(await names({ variables: { name: { like_: "flt_" } }, sort: "NAME_DESC" })).toEqual(["flt-c", "flt-b", "flt-a"]);
    expect(await names({ variables: { name: { like_: "FLT" }, tags: { all_: ["red", "big"] } } })).toEqual(["flt-a"]);
    expect(await names({ variables: { name: { any_: ["flt-b", "flt-c"] }, tags: { is_null_: true } } })).toEqual(["flt-c"]);
    expect(await names({ variables: { name: { like_: "flt" } }, sort: null, limit: 1, offset: 1 })).toEqual(["flt-b"]);
    expect(await count({ variables: { tags: { all_: ["red"] } } })).toBe(2);
    expect((await server.request("POST", "/variables/filter", { limit: 201 })).status).toBe(422);
  });
});
