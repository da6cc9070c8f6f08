import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toTimestamp } from "../../packages/server/src/timestamps.js";
import { insertFlow, insertFlowRun } from "../support/fixtures/insert-flow-run.js";
import { createPool, createQueue, readQueue } from "../support/fixtures/work-pools.js";
import { ENGINES } from "../support/test-database.js";
import { startTestServer, type TestServer } from "../support/test-server.js";

describe.each(ENGINES)("work pool queues on $engine", ({ engine, available, skipReason }) => {
  let server: TestServer;
  beforeAll(async () => {
    if (available) server = await startTestServer(engine);
  });
  afterAll(async () => server?.close());

  const priorities = async (pool: string) => {
    const r = await server.request("POST", `/work_pools/${pool}/queues/filter`);
    expect(r.status).toBe(200);
    return Object.fromEntries((r.body as { name: string; priority: number }[]).map((q) => [q.name, q.priority]));
  };

  it.skipIf(!available)(`creates a queue with Prefect's defaults and work_pool_name ${skipReason}`, async () => {
    const pool = await createPool(server, "q-create");
    const r = await server.request("POST", "/work_pools/q-create/queues", { name: "fast" });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({
      name: "fast",
      description: "",
      is_paused: false,
      concurrency_limit: null,
      priority: 2,
      work_pool_id: pool.id,
      work_pool_name: "q-create",
      last_polled: null,
      status: "NOT_READY",
      active_slots: null,
      filter: null,
    });
    expect(await readQueue(server, "q-create", "fast")).toEqual(r.body);
    const limited = await createQueue(server, "q-create", "limited", { concurrency_limit: 2, description: null, is_paused: true });
    expect(limited).toMatchObject({ concurrency_limit: 2, active_slots: 0, description: null, is_paused: true, status: "PAUSED" });
  });

  it.skipIf(!available)(`gives queues without a priority the first free one ${skipReason}`, async () => {
    await createPool(server, "q-free");
    expect((await createQueue(server, "q-free", "a")).priority).toBe(2);
    expect((await createQueue(server, "q-free", "b", { priority: 99 })).priority).toBe(99);
    expect((await createQueue(server, "q-free", "c")).priority).toBe(3);
    expect(await priorities("q-free")).toEqual({ default: 1, a: 2, c: 3, b: 99 });
  });

  it.skipIf(!available)(`inserting at a held priority shifts the queues in the way, as few as needed ${skipReason}`, async () => {
    await createPool(server, "q-shift");
    await createQueue(server, "q-shift", "two");
    await createQueue(server, "q-shift", "three");
    await createQueue(server, "q-shift", "ten", { priority: 10 });
    expect((await createQueue(server, "q-shift", "urgent", { priority: 1 })).priority).toBe(1);
    expect(await priorities("q-shift")).toEqual({ urgent: 1, default: 2, two: 3, three: 4, ten: 10 });
    // Moving an existing queue by PATCH follows the same rule.
    expect((await server.request("PATCH", "/work_pools/q-shift/queues/ten", { priority: 2 })).status).toBe(204);
    expect(await priorities("q-shift")).toEqual({ urgent: 1, ten: 2, default: 3, two: 4, three: 5 });
    const ordered = (await server.request("POST", "/work_pools/q-shift/queues/filter")).body.map((q: { name: string }) => q.name);
    expect(ordered).toEqual(["urgent", "ten", "default", "two", "three"]);
  });

  it.skipIf(!available)(`refuses a duplicate queue name in the same pool with 409, allows it in another ${skipReason}`, async () => {
    await createPool(server, "q-dup-1");
    await createPool(server, "q-dup-2");
    await createQueue(server, "q-dup-1", "same");
    const r = await server.request("POST", "/work_pools/q-dup-1/queues", { name: "same" });
    expect(r).toEqual({ status: 409, body: { detail: "A work queue with this name already exists in work pool 'q-dup-1'." } });
    await createQueue(server, "q-dup-2", "same");
    expect(Object.keys(await priorities("q-dup-1"))).toEqual(["default", "same"]);
  });

  it.skipIf(!available)(`answers bad queue bodies with 422 naming the field ${skipReason}`, async () => {
    await createPool(server, "q-bad");
    for (const [body, loc] of [
      [{}, ["body", "name"]],
      [{ name: "a/b" }, ["body", "name"]],
      [{ name: "q", priority: 0 }, ["body", "priority"]],
      [{ name: "q", priority: 1.5 }, ["body", "priority"]],
      [{ name: "q", concurrency_limit: -1 }, ["body", "concurrency_limit"]],
      [{ name: "q", is_paused: "no" }, ["body", "is_paused"]],
    ] as const) {
      const r = await server.request("POST", "/work_pools/q-bad/queues", body);
      expect(r.status, JSON.stringify(body)).toBe(422);
      expect(r.body.detail.map((d: { loc: unknown }) => d.loc), JSON.stringify(body)).toContainEqual(loc);
    }
    await createQueue(server, "q-bad", "ok");
    for (const [body, loc] of [
      [{ priority: -1 }, ["body", "priority"]],
      [{ last_polled: "yesterday" }, ["body", "last_polled"]],
      [{ name: "x%y" }, ["body", "name"]],
    ] as const) {
      const r = await server.request("PATCH", "/work_pools/q-bad/queues/ok", body);
      expect(r.status, JSON.stringify(body)).toBe(422);
      expect(r.body.detail.map((d: { loc: unknown }) => d.loc)).toContainEqual(loc);
    }
    expect(await priorities("q-bad")).toEqual({ default: 1, ok: 2 });
  });

  it.skipIf(!available)(`answers unknown queues with Prefect's 404 ${skipReason}`, async () => {
    await createPool(server, "q-404");
    const detail = "Work pool queue 'q-404/nope' not found.";
    expect(await server.request("GET", "/work_pools/q-404/queues/nope")).toEqual({ status: 404, body: { detail } });
    expect(await server.request("PATCH", "/work_pools/q-404/queues/nope", { description: "x" })).toEqual({ status: 404, body: { detail } });
    expect(await server.request("DELETE", "/work_pools/q-404/queues/nope")).toEqual({ status: 404, body: { detail } });
    // Reading a queue of a pool that does not exist names the queue, as Prefect does.
    expect(await server.request("GET", "/work_pools/no-pool/queues/default")).toEqual({ status: 404, body: { detail: "Work pool queue 'no-pool/default' not found." } });
    expect(await server.request("PATCH", "/work_pools/no-pool/queues/default", {})).toEqual({ status: 404, body: { detail: 'Work pool "no-pool" not found.' } });
  });

  it.skipIf(!available)(`updates, renames and pauses a queue (204), keeping unsent fields ${skipReason}`, async () => {
    await createPool(server, "q-patch");
    const before = await createQueue(server, "q-patch", "old", { description: "first", concurrency_limit: 4 });
    const r = await server.request("PATCH", "/work_pools/q-patch/queues/old", { name: "new", is_paused: true });
    expect(r).toEqual({ status: 204, body: undefined });
    expect((await server.request("GET", "/work_pools/q-patch/queues/old")).status).toBe(404);
    const after = await readQueue(server, "q-patch", "new");
    expect(after).toMatchObject({ id: before.id, description: "first", concurrency_limit: 4, is_paused: true, status: "PAUSED", priority: 2 });
    expect(after.updated >= before.updated).toBe(true);
    expect((await server.request("PATCH", "/work_pools/q-patch/queues/new", { description: null, concurrency_limit: null, is_paused: false, name: null })).status).toBe(204);
    expect(await readQueue(server, "q-patch", "new")).toMatchObject({ description: null, concurrency_limit: null, active_slots: null, is_paused: false, status: "NOT_READY" });
    await createQueue(server, "q-patch", "taken");
    const clash = await server.request("PATCH", "/work_pools/q-patch/queues/new", { name: "taken" });
    expect(clash.status).toBe(409);
    expect((await readQueue(server, "q-patch", "new")).id).toBe(before.id);
    // The default queue may be renamed (it stays the default).
    expect((await server.request("PATCH", "/work_pools/q-patch/queues/default", { name: "main" })).status).toBe(204);
    const pool = (await server.request("GET", "/work_pools/q-patch")).body;
    expect((await readQueue(server, "q-patch", "main")).id).toBe(pool.default_queue_id);
  });

  it.skipIf(!available)(`reports READY when polled within 60 s and not paused ${skipReason}`, async () => {
    await createPool(server, "q-status");
    await createQueue(server, "q-status", "s");
    const recent = toTimestamp(Date.now() - 30_000);
    expect((await server.request("PATCH", "/work_pools/q-status/queues/s", { last_polled: recent })).status).toBe(204);
    expect(await readQueue(server, "q-status", "s")).toMatchObject({ last_polled: recent, status: "READY" });
    expect((await server.request("PATCH", "/work_pools/q-status/queues/s", { is_paused: true })).status).toBe(204);
    expect((await readQueue(server, "q-status", "s")).status).toBe("PAUSED");
    expect((await server.request("PATCH", "/work_pools/q-status/queues/s", { is_paused: false, last_polled: toTimestamp(Date.now() - 61_000) })).status).toBe(204);
    expect((await readQueue(server, "q-status", "s")).status).toBe("NOT_READY");
    expect((await server.request("PATCH", "/work_pools/q-status/queues/s", { last_polled: null })).status).toBe(204);
    expect(await readQueue(server, "q-status", "s")).toMatchObject({ last_polled: null, status: "NOT_READY" });
  });

  it.skipIf(!available)(`counts PENDING and RUNNING runs of the queue as active_slots ${skipReason}`, async () => {
    await createPool(server, "q-slots");
    const queue = await createQueue(server, "q-slots", "busy", { concurrency_limit: 10 });
    const other = await readQueue(server, "q-slots", "default");
    const flowId = await insertFlow(server.database.db);
    for (const stateType of ["PENDING", "RUNNING", "RUNNING", "CANCELLING", "SCHEDULED", "FAILED"] as const) {
      await insertFlowRun(server.database.db, { flowId, workQueue: queue, stateType });
    }
    await insertFlowRun(server.database.db, { flowId, workQueue: other, stateType: "RUNNING" });
    expect((await readQueue(server, "q-slots", "busy")).active_slots).toBe(3);
    const listed = (await server.request("POST", "/work_pools/q-slots/queues/filter")).body;
    expect(listed.map((q: { name: string; active_slots: number | null }) => [q.name, q.active_slots])).toEqual([
      ["default", null],
      ["busy", 3],
    ]);
  });

  it.skipIf(!available)(`filters queues by id, name and case-insensitive prefix, with limit and offset ${skipReason}`, async () => {
    await createPool(server, "q-filter");
    const a = await createQueue(server, "q-filter", "Alpha");
    await createQueue(server, "q-filter", "alpine");
    await createQueue(server, "q-filter", "beta_1");
    await createQueue(server, "q-filter", "betax1");
    const names = async (body: unknown) => {
      const r = await server.request("POST", "/work_pools/q-filter/queues/filter", body);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      return (r.body as { name: string }[]).map((q) => q.name);
    };
    expect(await names({ work_queues: { name: { startswith_: ["al"] } } })).toEqual(["Alpha", "alpine"]);
    expect(await names({ work_queues: { name: { startswith_: ["beta_"] } } })).toEqual(["beta_1"]);
    expect(await names({ work_queues: { name: { any_: ["alpine", "default"] } } })).toEqual(["default", "alpine"]);
    expect(await names({ work_queues: { id: { any_: [a.id] } } })).toEqual(["Alpha"]);
    expect(await names({ work_queues: { operator: "or_", id: { any_: [a.id] }, name: { any_: ["betax1"] } } })).toEqual(["Alpha", "betax1"]);
    expect(await names({ limit: 2, offset: 1 })).toEqual(["Alpha", "alpine"]);
    expect(await server.request("POST", "/work_pools/q-filter/queues/filter", { limit: 500 })).toEqual({ status: 422, body: { detail: "Invalid limit: must be less than or equal to 200." } });
  });

  it.skipIf(!available)(`deletes a queue (204), leaving its runs unlinked, but never the default queue ${skipReason}`, async () => {
    await createPool(server, "q-delete");
    const queue = await createQueue(server, "q-delete", "gone");
    const flowId = await insertFlow(server.database.db);
    const runId = await insertFlowRun(server.database.db, { flowId, workQueue: queue });
    expect(await server.request("DELETE", "/work_pools/q-delete/queues/gone")).toEqual({ status: 204, body: undefined });
    expect((await server.request("GET", "/work_pools/q-delete/queues/gone")).status).toBe(404);
    const run = await server.database.db.selectFrom("flow_run").select(["work_queue_id", "state_type"]).where("id", "=", runId).executeTakeFirstOrThrow();
    expect(run).toEqual({ work_queue_id: null, state_type: "SCHEDULED" });
    const refused = await server.request("DELETE", "/work_pools/q-delete/queues/default");
    expect(refused).toEqual({ status: 409, body: { detail: "Can't delete a pool's default queue." } });
    expect((await readQueue(server, "q-delete", "default")).priority).toBe(1);
  });

  it.skipIf(!available)(`keeps priorities unique when queues are created concurrently ${skipReason}`, async () => {
    await createPool(server, "q-race");
    const created = await Promise.all(Array.from({ length: 8 }, (_, i) => server.request("POST", "/work_pools/q-race/queues", { name: `r${i}` })));
    expect(created.map((r) => r.status)).toEqual(Array(8).fill(201));
    const all = Object.values(await priorities("q-race")).sort((x, y) => x - y);
    expect(all).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
});
