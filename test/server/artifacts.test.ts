import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectMatchesComponent, openApiAvailable } from "../support/openapi-contract.js";
import { ENGINES } from "../support/test-database.js";
import { startTestServer, type TestServer } from "../support/test-server.js";

const MISSING = "00000000-0000-4000-8000-000000000000";

describe.each(ENGINES)("artifacts on $engine", ({ engine, available, skipReason }) => {
  let server: TestServer;
  let runId: string;
  let taskRunId: string;
  beforeAll(async () => {
    if (!available) return;
    server = await startTestServer(engine);
    const flow = (await server.request("POST", "/flows/", { name: "art-flow" })).body;
    runId = (await server.request("POST", "/flow_runs/", { flow_id: flow.id, name: "art-run", tags: ["nightly"] })).body.id;
    taskRunId = (await server.request("POST", "/task_runs/", { flow_run_id: runId, task_key: "t", dynamic_key: "0", name: "t-0" })).body.id;
  });
  afterAll(async () => server?.close());

  const component = (name: string, body: unknown) => {
    if (openApiAvailable) expectMatchesComponent(name, body);
  };
  const create = async (body: Record<string, unknown>) => {
    const r = await server.request("POST", "/artifacts/", body);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    component("Artifact", r.body);
    return r.body;
  };
  const latestKeys = async (body: unknown = {}) => {
    const r = await server.request("POST", "/artifacts/latest/filter", body);
    expect(r.status).toBe(200);
    for (const c of r.body) component("ArtifactCollection", c);
    return r.body as { key: string; latest_id: string; description: string | null }[];
  };

  it.skipIf(!available)(`creates versions, reads each by id and the newest by key ${skipReason}`, async () => {
    const v1 = await create({ key: "report", type: "markdown", description: "first", data: "# one", metadata_: { a: "x".repeat(600) }, flow_run_id: runId });
    expect(v1.metadata_.a).toBe(`${"x".repeat(500)}...`);
    const v2 = await create({ key: "report", type: "markdown", description: "second", data: { rows: [1, 2] }, flow_run_id: runId, task_run_id: taskRunId });
    const anon = await create({ type: "result", data: null, description: null, metadata_: null, key: null });
    expect(anon).toMatchObject({ key: null, data: null, flow_run_id: null });
    expect((await server.request("GET", `/artifacts/${v1.id}`)).body).toEqual(v1);
    const latest = await server.request("GET", "/artifacts/report/latest");
    component("Artifact", latest.body);
    expect(latest.body).toEqual(v2);
    expect((await server.request("GET", "/artifacts/nokey/latest")).status).toBe(404);
    expect((await server.request("GET", `/artifacts/${MISSING}`)).status).toBe(404);
    const collections = await latestKeys({ artifacts: { key: { any_: ["report"] } } });
    expect(collections.map((c) => [c.key, c.latest_id, c.description])).toEqual([["report", v2.id, "second"]]);
    expect((await server.request("POST", "/artifacts/count", { artifacts: { key: { any_: ["report"] } } })).body).toBe(2);
    expect((await server.request("POST", "/artifacts/latest/count", { artifacts: { key: { like_: "repo" } } })).body).toBe(1);
  });

  it.skipIf(!available)(`rejects bad input with a 422 naming the field and writes nothing ${skipReason}`, async () => {
    const before = (await server.request("POST", "/artifacts/count", {})).body;
    for (const [body, loc] of [
      [{ key: "Bad_Key" }, ["body", "key"]],
      [{ key: "ok", flow_run_id: "nope" }, ["body", "flow_run_id"]],
      [{ key: "ok", metadata_: { a: 1 } }, ["body", "metadata_", "a"]],
      [{ key: "ok", description: 5 }, ["body", "description"]],
    ] as const) {
      const r = await server.request("POST", "/artifacts/", body);
      expect(r.status).toBe(422);
      expect(r.body.detail.map((d: { loc: unknown }) => d.loc)).toContainEqual(loc);
    }
    expect((await server.request("POST", "/artifacts/count", {})).body).toBe(before);
    expect((await server.request("PATCH", `/artifacts/${MISSING}`, { description: "x" })).status).toBe(404);
    expect((await server.request("DELETE", `/artifacts/${MISSING}`)).status).toBe(404);
  });

  it.skipIf(!available)(`updates a version and, when it is the latest, its key's copy ${skipReason}`, async () => {
    const old = await create({ key: "upd", data: 1 });
    const cur = await create({ key: "upd", data: 2 });
    expect((await server.request("PATCH", `/artifacts/${cur.id}`, { description: "new", data: { v: 3 } })).status).toBe(204);
    expect((await server.request("GET", `/artifacts/${cur.id}`)).body).toMatchObject({ description: "new", data: { v: 3 } });
    expect((await latestKeys({ artifacts: { key: { any_: ["upd"] } } }))[0]).toMatchObject({ latest_id: cur.id, description: "new" });
    expect((await server.request("PATCH", `/artifacts/${old.id}`, { description: "old one" })).status).toBe(204);
    expect((await latestKeys({ artifacts: { key: { any_: ["upd"] } } }))[0]).toMatchObject({ latest_id: cur.id, description: "new" });
  });

  it.skipIf(!available)(`deleting the latest version hands the key to the next newest, and the last takes the key with it ${skipReason}`, async () => {
    const a = await create({ key: "del", description: "a" });
    const b = await create({ key: "del", description: "b" });
    expect((await server.request("DELETE", `/artifacts/${b.id}`)).status).toBe(204);
    expect((await server.request("GET", "/artifacts/del/latest")).body.id).toBe(a.id);
    expect((await latestKeys({ artifacts: { key: { any_: ["del"] } } }))[0]).toMatchObject({ latest_id: a.id, description: "a" });
    expect((await server.request("DELETE", `/artifacts/${a.id}`)).status).toBe(204);
    expect((await server.request("GET", "/artifacts/del/latest")).status).toBe(404);
    expect(await latestKeys({ artifacts: { key: { any_: ["del"] } } })).toEqual([]);
  });

  it.skipIf(!available)(`filters by own criteria and by the related run, task run and flow; sorts ${skipReason}`, async () => {
    await create({ key: "flt-x", type: "table", flow_run_id: runId });
    await create({ key: "flt-y", type: "notes", task_run_id: taskRunId, flow_run_id: runId });
    await create({ key: "flt-z" });
    const keys = async (body: unknown) => {
      const r = await server.request("POST", "/artifacts/filter", body);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      for (const a of r.body) component("Artifact", a);
      return (r.body as { key: string }[]).map((a) => a.key);
    };
    expect(await keys({ artifacts: { key: { like_: "flt-" } }, sort: "KEY_ASC" })).toEqual(["flt-x", "flt-y", "flt-z"]);
    expect(await keys({ artifacts: { key: { like_: "flt-" } } })).toEqual(["flt-z", "flt-y", "flt-x"]);
    expect(await keys({ artifacts: { key: { like_: "flt-" }, type: { not_any_: ["table"] } }, sort: null })).toEqual(["flt-y"]);
    expect(await keys({ artifacts: { key: { like_: "flt-" } }, flow_runs: { tags: { all_: ["nightly"] } }, flows: { name: { any_: ["art-flow"] } }, sort: "KEY_DESC" })).toEqual(["flt-y", "flt-x"]);
    expect(await keys({ artifacts: { key: { like_: "flt-" } }, task_runs: { id: { any_: [taskRunId] } } })).toEqual(["flt-y"]);
    expect(await keys({ artifacts: { key: { any_: ["flt-x", "flt-z"] }, operator: "or_", type: { any_: ["notes"] } }, sort: "KEY_ASC" })).toEqual(["flt-x", "flt-y", "flt-z"]);
    expect((await server.request("POST", "/artifacts/count", { artifacts: { key: { exists_: false } } })).body).toBe(1);
    expect((await latestKeys({ artifacts: { key: { like_: "flt-" }, type: { any_: ["table"] } } })).map((c) => c.key)).toEqual(["flt-x"]);
    expect((await server.request("POST", "/artifacts/filter", { limit: 201 })).status).toBe(422);
  });
});
