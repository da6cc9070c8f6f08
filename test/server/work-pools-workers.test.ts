import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toTimestamp } from "../../packages/server/src/timestamps.js";
import { createPool } from "../support/fixtures/work-pools.js";
import { ENGINES } from "../support/test-database.js";
import { startTestServer, type TestServer } from "../support/test-server.js";

describe.each(ENGINES)("work pool workers on $engine", ({ engine, available, skipReason }) => {
  let server: TestServer;
  beforeAll(async () => {
    if (available) server = await startTestServer(engine);
  });
  afterAll(async () => server?.close());

  const workers = async (pool: string, body?: unknown) => {
    const r = await server.request("POST", `/work_pools/${pool}/workers/filter`, body);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return r.body as { name: string; status: string; heartbeat_interval_seconds: number | null; last_heartbeat_time: string; work_pool_id: string }[];
  };
  /** Moves a worker's last heartbeat into the past, as if it had stopped beating then. */
  const beatAgo = async (poolId: string, name: string, seconds: number) => {
    await server.database.db
      .updateTable("worker")
      .set({ last_heartbeat_time: toTimestamp(Date.now() - seconds * 1000) })
      .where("work_pool_id", "=", poolId)
      .where("name", "=", name)
      .execute();
  };

  it.skipIf(!available)(`records a heartbeat (204) and lists the worker as ONLINE ${skipReason}`, async () => {
    const pool = await createPool(server, "w-beat");
    expect(await workers("w-beat")).toEqual([]);
    const before = toTimestamp(Date.now() - 1);
    const r = await server.request("POST", "/work_pools/w-beat/workers/heartbeat", { name: "worker-1", heartbeat_interval_seconds: 15 });
    expect(r).toEqual({ status: 204, body: undefined });
    const [worker] = await workers("w-beat");
    expect(worker).toMatchObject({ name: "worker-1", work_pool_id: pool.id, heartbeat_interval_seconds: 15, status: "ONLINE" });
    expect(worker.last_heartbeat_time > before).toBe(true);
  });

  it.skipIf(!available)(`upserts by name: repeated beats update one worker, keeping its interval when none is sent ${skipReason}`, async () => {
    const pool = await createPool(server, "w-upsert");
    await server.request("POST", "/work_pools/w-upsert/workers/heartbeat", { name: "w", heartbeat_interval_seconds: 20 });
    await beatAgo(pool.id, "w", 100);
    const stale = (await workers("w-upsert"))[0];
    for (const body of [{ name: "w" }, { name: "w", heartbeat_interval_seconds: null }, { name: "other" }]) {
      expect((await server.request("POST", "/work_pools/w-upsert/workers/heartbeat", body)).status).toBe(204);
    }
    const listed = await workers("w-upsert");
    expect(listed.map((w) => w.name).sort()).toEqual(["other", "w"]);
    const w = listed.find((x) => x.name === "w");
    expect(w).toMatchObject({ heartbeat_interval_seconds: 20, status: "ONLINE" });
    expect(w!.last_heartbeat_time > stale.last_heartbeat_time).toBe(true);
    expect((await server.request("POST", "/work_pools/w-upsert/workers/heartbeat", { name: "w", heartbeat_interval_seconds: 45 })).status).toBe(204);
    expect((await workers("w-upsert")).find((x) => x.name === "w")?.heartbeat_interval_seconds).toBe(45);
  });

  it.skipIf(!available)(`is OFFLINE once the last heartbeat is older than 3 intervals (30 s when none given) ${skipReason}`, async () => {
    const pool = await createPool(server, "w-status");
    for (const [name, interval] of [["default-fresh", null], ["default-stale", null], ["slow", 60], ["fast", 1]] as const) {
      await server.request("POST", "/work_pools/w-status/workers/heartbeat", { name, heartbeat_interval_seconds: interval });
    }
    await beatAgo(pool.id, "default-fresh", 85); // under 3 × 30 s
    await beatAgo(pool.id, "default-stale", 95); // over 3 × 30 s
    await beatAgo(pool.id, "slow", 170); // under 3 × 60 s
    await beatAgo(pool.id, "fast", 10); // over 3 × 1 s
    const status = Object.fromEntries((await workers("w-status")).map((w) => [w.name, w.status]));
    expect(status).toEqual({ "default-fresh": "ONLINE", "default-stale": "OFFLINE", slow: "ONLINE", fast: "OFFLINE" });
    const online = await workers("w-status", { workers: { status: { any_: ["ONLINE"] } } });
    expect(online.map((w) => w.name)).toEqual(["default-fresh", "slow"]);
    const notOnline = await workers("w-status", { workers: { status: { not_any_: ["ONLINE"] } } });
    expect(notOnline.map((w) => w.name)).toEqual(["fast", "default-stale"]);
    // With only stale workers the pool is NOT_READY; one fresh heartbeat makes it READY.
    await beatAgo(pool.id, "default-fresh", 200);
    await beatAgo(pool.id, "slow", 200);
    expect((await server.request("GET", "/work_pools/w-status")).body.status).toBe("NOT_READY");
    await server.request("POST", "/work_pools/w-status/workers/heartbeat", { name: "fast", heartbeat_interval_seconds: 1 });
    expect((await server.request("GET", "/work_pools/w-status")).body.status).toBe("READY");
  });

  it.skipIf(!available)(`lists the latest heartbeat first and filters by heartbeat time, with limit and offset ${skipReason}`, async () => {
    const pool = await createPool(server, "w-list");
    for (const name of ["a", "b", "c"]) await server.request("POST", "/work_pools/w-list/workers/heartbeat", { name });
    await beatAgo(pool.id, "a", 30);
    await beatAgo(pool.id, "b", 20);
    await beatAgo(pool.id, "c", 10);
    expect((await workers("w-list")).map((w) => w.name)).toEqual(["c", "b", "a"]);
    expect((await workers("w-list", { limit: 1 })).map((w) => w.name)).toEqual(["c"]);
    expect((await workers("w-list", { limit: 1, offset: 1 })).map((w) => w.name)).toEqual(["b"]);
    const cut = toTimestamp(Date.now() - 15_000);
    expect((await workers("w-list", { workers: { last_heartbeat_time: { before_: cut } } })).map((w) => w.name)).toEqual(["b", "a"]);
    expect((await workers("w-list", { workers: { last_heartbeat_time: { after_: cut } } })).map((w) => w.name)).toEqual(["c"]);
    const either = { workers: { operator: "or_", last_heartbeat_time: { after_: cut }, status: { any_: ["OFFLINE"] } } };
    expect((await workers("w-list", either)).map((w) => w.name)).toEqual(["c"]);
    expect((await workers("w-list", { workers: { status: { any_: [] } } })).map((w) => w.name)).toEqual([]);
  });

  it.skipIf(!available)(`answers bad worker bodies with 422 naming the field ${skipReason}`, async () => {
    await createPool(server, "w-bad");
    const missing = await server.request("POST", "/work_pools/w-bad/workers/heartbeat");
    expect(missing.status).toBe(422);
    expect(missing.body.detail).toContainEqual(expect.objectContaining({ loc: ["body", "name"], type: "missing" }));
    for (const [body, loc] of [
      [{ name: 5 }, ["body", "name"]],
      [{ name: "w", heartbeat_interval_seconds: "30" }, ["body", "heartbeat_interval_seconds"]],
      [{ name: "w", heartbeat_interval_seconds: 1.5 }, ["body", "heartbeat_interval_seconds"]],
    ] as const) {
      const r = await server.request("POST", "/work_pools/w-bad/workers/heartbeat", body);
      expect(r.status, JSON.stringify(body)).toBe(422);
      expect(r.body.detail.map((d: { loc: unknown }) => d.loc)).toContainEqual(loc);
    }
    const status = await server.request("POST", "/work_pools/w-bad/workers/filter", { workers: { status: { any_: ["BUSY"] } } });
    expect(status.status).toBe(422);
    expect(status.body.detail[0].loc).toEqual(["body", "workers", "status", "any_", 0]);
    expect(await server.request("POST", "/work_pools/w-bad/workers/filter", { limit: 201 })).toEqual({ status: 422, body: { detail: "Invalid limit: must be less than or equal to 200." } });
    expect(await workers("w-bad")).toEqual([]);
  });

  it.skipIf(!available)(`deletes a worker (204); an unknown worker is 404 ${skipReason}`, async () => {
    await createPool(server, "w-delete");
    await server.request("POST", "/work_pools/w-delete/workers/heartbeat", { name: "w1" });
    await server.request("POST", "/work_pools/w-delete/workers/heartbeat", { name: "w2" });
    expect(await server.request("DELETE", "/work_pools/w-delete/workers/w1")).toEqual({ status: 204, body: undefined });
    expect((await workers("w-delete")).map((w) => w.name)).toEqual(["w2"]);
    expect(await server.request("DELETE", "/work_pools/w-delete/workers/w1")).toEqual({ status: 404, body: { detail: "Worker not found." } });
  });

  it.skipIf(!available)(`keeps workers of different pools apart ${skipReason}`, async () => {
    await createPool(server, "w-pool-a");
    await createPool(server, "w-pool-b");
    await server.request("POST", "/work_pools/w-pool-a/workers/heartbeat", { name: "same" });
    await server.request("POST", "/work_pools/w-pool-b/workers/heartbeat", { name: "same" });
    expect(await server.request("DELETE", "/work_pools/w-pool-a/workers/same")).toEqual({ status: 204, body: undefined });
    expect((await workers("w-pool-b")).map((w) => w.name)).toEqual(["same"]);
    expect(await workers("w-pool-a")).toEqual([]);
  });
});
