import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectResponseMatches, openApiAvailable } from "../support/openapi-contract.js";
import { createFlow, createFlowRun } from "../support/api-fixtures.js";
import { ENGINES } from "../support/test-database.js";
import { startTestServer, type TestServer } from "../support/test-server.js";

// A flow run's key/value inputs: /flow_runs/{id}/input, …/filter, …/{key}.

describe.each(ENGINES)("/flow_runs/{id}/input on $engine", ({ engine, available, skipReason }) => {
  let server: TestServer;
  let flowId: string;
  const create = (runId: string, body: unknown) => server.request("POST", `/flow_runs/${runId}/input`, body);
  const filter = (runId: string, body: unknown) => server.request("POST", `/flow_runs/${runId}/input/filter`, body);
  const inputCount = async () => (await server.database.db.selectFrom("flow_run_input").select(({ fn }) => fn.countAll<number>().as("n")).executeTakeFirstOrThrow()).n;

  beforeAll(async () => {
    if (!available) return;
    server = await startTestServer(engine);
    flowId = await createFlow(server, "inputs");
  });
  afterAll(async () => server?.close());

  it.skipIf(!available)(`creates, reads as text, filters by prefix and deletes inputs ${skipReason}`, async () => {
    const run = await createFlowRun(server, flowId);
    const created = await create(run.id, { key: "paused-1-response", value: JSON.stringify({ approved: true }), sender: "ui" });
    expect(created.status).toBe(201);
    expect(created.body).toBeNull();
    if (openApiAvailable) expectResponseMatches("POST", `/flow_runs/${run.id}/input`, 201, created.body);
    await create(run.id, { key: "paused-1-schema", value: "{}" });
    await create(run.id, { key: "other", value: "x" });

    const res = await fetch(`${server.apiUrl}/flow_runs/${run.id}/input/paused-1-response`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(await res.text()).toBe('{"approved":true}');

    const one = await filter(run.id, { prefix: "paused-1" });
    expect(one.status).toBe(200);
    if (openApiAvailable) expectResponseMatches("POST", `/flow_runs/${run.id}/input/filter`, 200, one.body);
    // Prefect's default limit is 1; oldest first.
    expect(one.body.map((i: { key: string }) => i.key)).toEqual(["paused-1-response"]);
    expect(one.body[0]).toMatchObject({ flow_run_id: run.id, value: '{"approved":true}', sender: "ui" });
    const all = await filter(run.id, { prefix: "paused-1", limit: 10, exclude_keys: ["paused-1-response"] });
    expect(all.body.map((i: { key: string }) => i.key)).toEqual(["paused-1-schema"]);
    expect((await filter(run.id, { prefix: "", limit: 10 })).body).toHaveLength(3);
    expect((await filter("0190a0a0-0000-7000-8000-000000000001", { prefix: "" })).body).toEqual([]);

    expect((await server.request("DELETE", `/flow_runs/${run.id}/input/other`)).status).toBe(204);
    expect((await server.request("DELETE", `/flow_runs/${run.id}/input/other`)).status).toBe(404);
    const missing = await server.request("GET", `/flow_runs/${run.id}/input/other`);
    expect(missing.status).toBe(404);
    expect(missing.body.detail).toBe("Flow run input not found");
  });

  it.skipIf(!available)(`matches a prefix literally: _ and % are not wildcards ${skipReason}`, async () => {
    const run = await createFlowRun(server, flowId);
    await create(run.id, { key: "abc", value: "1" });
    expect((await filter(run.id, { prefix: "a_c", limit: 5 })).body).toEqual([]);
    expect((await filter(run.id, { prefix: "a%", limit: 5 })).body).toEqual([]);
    expect((await filter(run.id, { prefix: "ab", limit: 5 })).body).toHaveLength(1);
  });

  it.skipIf(!available)(`answers 409 for a key that exists and 404 for an unknown run, writing nothing ${skipReason}`, async () => {
    const run = await createFlowRun(server, flowId);
    expect((await create(run.id, { key: "k", value: "first" })).status).toBe(201);
    const before = await inputCount();
    const dup = await create(run.id, { key: "k", value: "second" });
    expect(dup.status).toBe(409);
    expect(dup.body.detail).toBe("A flow run input with this key already exists.");
    expect((await server.request("GET", `/flow_runs/${run.id}/input/k`)).body).toBe("first");
    // The same key on another run is another input.
    const other = await createFlowRun(server, flowId);
    expect((await create(other.id, { key: "k", value: "x" })).status).toBe(201);
    const unknown = await create("0190a0a0-0000-7000-8000-000000000001", { key: "k", value: "x" });
    expect(unknown.status).toBe(404);
    expect(await inputCount()).toBe(before + 1);
  });

  it.skipIf(!available)(`deletes a run's inputs with the run ${skipReason}`, async () => {
    const run = await createFlowRun(server, flowId);
    await create(run.id, { key: "gone", value: "x" });
    expect((await server.request("DELETE", `/flow_runs/${run.id}`)).status).toBe(204);
    expect(await server.database.db.selectFrom("flow_run_input").select("id").where("flow_run_id", "=", run.id).execute()).toEqual([]);
  });

  it.skipIf(!available)(`answers null optional fields as if absent ${skipReason}`, async () => {
    const run = await createFlowRun(server, flowId);
    expect((await create(run.id, { key: "n", value: "v", sender: null })).status).toBe(201);
    await create(run.id, { key: "n2", value: "v" });
    const r = await filter(run.id, { prefix: "n", limit: null, exclude_keys: null });
    expect(r.status).toBe(200);
    expect(r.body.map((i: { key: string; sender: null }) => [i.key, i.sender])).toEqual([["n", null]]);
  });

  it.skipIf(!available)(`answers 422 naming the field for bad input, writing nothing ${skipReason}`, async () => {
    const run = await createFlowRun(server, flowId);
    const before = await inputCount();
    const cases: [string, unknown, (string | number)[]][] = [
      [`/flow_runs/${run.id}/input`, { key: "Has Spaces", value: "v" }, ["body", "key"]],
      [`/flow_runs/${run.id}/input`, { key: "k" }, ["body", "value"]],
      [`/flow_runs/${run.id}/input`, { key: "k", value: 5 }, ["body", "value"]],
      [`/flow_runs/${run.id}/input`, { key: "k", value: "v", sender: 1 }, ["body", "sender"]],
      [`/flow_runs/${run.id}/input`, { key: "k", value: "x".repeat(1_000_001) }, ["body", "value"]],
      ["/flow_runs/not-a-uuid/input", { key: "k", value: "v" }, ["path", "id"]],
      [`/flow_runs/${run.id}/input/filter`, {}, ["body", "prefix"]],
      [`/flow_runs/${run.id}/input/filter`, { prefix: "", limit: -1 }, ["body", "limit"]],
      [`/flow_runs/${run.id}/input/filter`, { prefix: "", exclude_keys: "k" }, ["body", "exclude_keys"]],
    ];
    for (const [path, body, loc] of cases) {
      const r = await server.request("POST", path, body);
      const label = `${path} ${JSON.stringify(body).slice(0, 80)}`;
      expect(r.status, label).toBe(422);
      expect(r.body.detail[0].loc, label).toEqual(loc);
    }
    expect((await server.request("GET", "/flow_runs/not-a-uuid/input/k")).status).toBe(422);
    expect(await inputCount()).toBe(before);
  });
});
