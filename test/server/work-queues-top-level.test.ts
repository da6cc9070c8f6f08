import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectResponseMatches, openApiAvailable } from "../support/openapi-contract.js";
import { ENGINES } from "../support/test-database.js";
import { startTestServer, type TestServer } from "../support/test-server.js";

const MISSING = "00000000-0000-4000-8000-000000000000";

describe.each(ENGINES)("top-level work queues on $engine", ({ engine, available, skipReason }) => {
  let server: TestServer;
  beforeAll(async () => {
    if (available) server = await startTestServer(engine);
  });
  afterAll(async () => server?.close());

  const matches = (method: "GET" | "POST", path: string, status: number, body: unknown) => {
    if (openApiAvailable) expectResponseMatches(method, path, status, body);
  };

  it.skipIf(!available)(`creates queues in default-agent-pool, made on first use, and reads them by id and name ${skipReason}`, async () => {
    const def = await server.request("POST", "/work_queues/", { name: "default" });
    expect(def.status).toBe(201);
    matches("POST", "/work_queues/", 201, def.body);
    expect(def.body).toMatchObject({ name: "default", priority: 1, work_pool_name: "default-agent-pool" });
    const pool = await server.request("GET", "/work_pools/default-agent-pool");
    expect(pool.body).toMatchObject({ type: "prefect-agent", default_queue_id: def.body.id });
    const q = await server.request("POST", "/work_queues/", { name: "tl-a", concurrency_limit: 3, description: null });
    expect(q.status).toBe(201);
    expect(q.body).toMatchObject({ name: "tl-a", priority: 2, concurrency_limit: 3, active_slots: 0, work_pool_id: pool.body.id, description: null });
    expect((await server.request("POST", "/work_queues/", { name: "tl-a" })).status).toBe(409);
    expect((await server.request("POST", "/work_queues/", { name: "default" })).status).toBe(409);
    const byId = await server.request("GET", `/work_queues/${q.body.id}`);
    matches("GET", "/work_queues/{id}", 200, byId.body);
    expect(byId.body).toEqual(q.body);
    const byName = await server.request("GET", "/work_queues/name/tl-a");
    matches("GET", "/work_queues/name/{name}", 200, byName.body);
    expect(byName.body).toEqual(q.body);
    expect((await server.request("GET", `/work_queues/${MISSING}`)).status).toBe(404);
    expect((await server.request("GET", "/work_queues/name/nope")).status).toBe(404);
  });

  it.skipIf(!available)(`rejects bad input with a 422 naming the field and writes nothing ${skipReason}`, async () => {
    const count = async () => ((await server.request("POST", "/work_queues/filter", {})).body as unknown[]).length;
    const before = await count();
    for (const [body, loc] of [
      [{ name: "a/b" }, ["body", "name"]],
      [{}, ["body", "name"]],
      [{ name: "ok", priority: 0 }, ["body", "priority"]],
      [{ name: "ok", concurrency_limit: -1 }, ["body", "concurrency_limit"]],
    ] as const) {
      const r = await server.request("POST", "/work_queues/", body);
      expect(r.status).toBe(422);
      expect(r.body.detail.map((d: { loc: unknown }) => d.loc)).toContainEqual(loc);
    }
    expect(await count()).toBe(before);
  });

  it.skipIf(!available)(`filters across pools by name, updates and deletes by id ${skipReason}`, async () => {
    await server.request("POST", "/work_pools/", { name: "tl-pool", type: "process" });
    await server.request("POST", "/work_pools/tl-pool/queues", { name: "tl-b" });
    await server.request("POST", "/work_queues/", { name: "tl-c" });
    const r = await server.request("POST", "/work_queues/filter", { work_queues: { name: { startswith_: ["TL-"] } } });
    expect(r.status).toBe(200);
    matches("POST", "/work_queues/filter", 200, r.body);
    expect((r.body as { name: string; work_pool_name: string }[]).map((q) => `${q.work_pool_name}/${q.name}`)).toEqual([
      "default-agent-pool/tl-a",
      "tl-pool/tl-b",
      "default-agent-pool/tl-c",
    ]);
    const b = (r.body as { id: string; name: string }[]).find((q) => q.name === "tl-b")!;
    expect((await server.request("PATCH", `/work_queues/${b.id}`, { is_paused: true, description: "paused" })).status).toBe(204);
    expect((await server.request("GET", `/work_queues/${b.id}`)).body).toMatchObject({ is_paused: true, status: "PAUSED", description: "paused", work_pool_name: "tl-pool" });
    expect((await server.request("PATCH", `/work_queues/${MISSING}`, { is_paused: true })).status).toBe(404);
    expect((await server.request("DELETE", `/work_queues/${b.id}`)).status).toBe(204);
    expect((await server.request("GET", `/work_queues/${b.id}`)).status).toBe(404);
    expect((await server.request("DELETE", `/work_queues/${MISSING}`)).status).toBe(404);
    const pool = (await server.request("GET", "/work_pools/tl-pool")).body;
    expect((await server.request("DELETE", `/work_queues/${pool.default_queue_id}`)).status).toBe(409);
  });

  it.skipIf(!available)(`get_runs offers the queue's scheduled runs and marks it polled unless the UI asks; status reports health ${skipReason}`, async () => {
    await server.request("POST", "/work_pools/", { name: "runs-pool", type: "process" });
    const queue = (await server.request("POST", "/work_pools/runs-pool/queues", { name: "runs-q" })).body;
    const flow = (await server.request("POST", "/flows/", { name: "tl-flow" })).body;
    const dep = (await server.request("POST", "/deployments/", { name: "tl-dep", flow_id: flow.id, work_pool_name: "runs-pool", work_queue_name: "runs-q" })).body;
    const run = (await server.request("POST", `/deployments/${dep.id}/create_flow_run`, {})).body;
    const status0 = await server.request("GET", `/work_queues/${queue.id}/status`);
    matches("GET", "/work_queues/{id}/status", 200, status0.body);
    expect(status0.body).toEqual({ healthy: false, late_runs_count: 0, last_polled: null, health_check_policy: { maximum_late_runs: 0, maximum_seconds_since_last_polled: 60 } });

    const ui = await server.request("POST", `/work_queues/${queue.id}/get_runs`, {}, { "x-prefect-ui": "true" });
    expect(ui.status).toBe(200);
    expect((ui.body as { id: string }[]).map((r) => r.id)).toEqual([run.id]);
    expect((await server.request("GET", `/work_queues/${queue.id}`)).body.last_polled).toBeNull();

    const polled = await server.request("POST", `/work_queues/${queue.id}/get_runs`, { scheduled_before: null, limit: 5 });
    matches("POST", "/work_queues/{id}/get_runs", 200, polled.body);
    expect((polled.body as { id: string }[]).map((r) => r.id)).toEqual([run.id]);
    const past = await server.request("POST", `/work_queues/${queue.id}/get_runs`, { scheduled_before: "2000-01-01T00:00:00Z" });
    expect(past.body).toEqual([]);
    const status1 = (await server.request("GET", `/work_queues/${queue.id}/status`)).body;
    expect(status1).toMatchObject({ healthy: true, late_runs_count: 0 });
    expect(status1.last_polled).not.toBeNull();
    expect((await server.request("POST", `/work_queues/${MISSING}/get_runs`, {})).status).toBe(404);
    expect((await server.request("GET", `/work_queues/${MISSING}/status`)).status).toBe(404);

    await server.request("POST", `/flow_runs/${run.id}/set_state`, { state: { type: "PENDING" } });
    const slots = await server.request("POST", `/work_queues/${queue.id}/concurrency_status`, {});
    expect(slots.status).toBe(200);
    matches("POST", "/work_queues/{id}/concurrency_status", 200, slots.body);
    expect(slots.body).toMatchObject({ active_slots: 1, count: 1, page: 1, pages: 1, limit: 200, concurrency_limit: null });
    expect(slots.body.flow_runs.map((r: { id: string; state_type: string }) => [r.id, r.state_type])).toEqual([[run.id, "PENDING"]]);
    expect((await server.request("POST", `/work_queues/${queue.id}/concurrency_status`, { page: 0 })).status).toBe(422);
  });
});
