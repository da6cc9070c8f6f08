import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { WorkerFlowRun, WorkQueue } from "../../packages/schemas/src/index.js";
import { toTimestamp } from "../../packages/server/src/timestamps.js";
import { insertFlow, insertFlowRun, insertFlowRuns } from "../support/fixtures/insert-flow-run.js";
import { createPool, createQueue, readQueue } from "../support/fixtures/work-pools.js";
import { ENGINES } from "../support/test-database.js";
import { startTestServer, type TestServer } from "../support/test-server.js";

const MINUTE = 60_000;

describe.each(ENGINES)("get_scheduled_flow_runs on $engine", ({ engine, available, skipReason }) => {
  let server: TestServer;
  let flowId: string;
  beforeAll(async () => {
    if (!available) return;
    server = await startTestServer(engine);
    flowId = await insertFlow(server.database.db);
  });
  afterAll(async () => server?.close());

  const poll = async (pool: string, body?: unknown) => {
    const r = await server.request("POST", `/work_pools/${encodeURIComponent(pool)}/get_scheduled_flow_runs`, body);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return r.body as WorkerFlowRun[];
  };
  const names = (runs: WorkerFlowRun[]) => runs.map((r) => r.flow_run.name);
  /** A SCHEDULED run due `minutes` from now (negative: overdue). */
  const scheduled = (queue: WorkQueue, name: string, minutes: number) =>
    insertFlowRun(server.database.db, { flowId, workQueue: queue, name, scheduledTime: Date.now() + minutes * MINUTE });
  const inState = (queue: WorkQueue, stateType: "PENDING" | "RUNNING" | "CANCELLING" | "COMPLETED") =>
    insertFlowRun(server.database.db, { flowId, workQueue: queue, stateType });

  it.skipIf(!available)(`returns SCHEDULED runs with pool and queue ids, in Prefect's response shape ${skipReason}`, async () => {
    const pool = await createPool(server, "s-shape");
    const queue = await readQueue(server, "s-shape", "default");
    const id = await scheduled(queue, "due", -1);
    await inState(queue, "RUNNING");
    const runs = await poll("s-shape", {});
    expect(runs).toHaveLength(1);
    expect(runs[0].work_pool_id).toBe(pool.id);
    expect(runs[0].work_queue_id).toBe(queue.id);
    expect(runs[0].flow_run).toMatchObject({
      id,
      flow_id: flowId,
      state_type: "SCHEDULED",
      state_name: "Scheduled",
      work_queue_id: queue.id,
      work_queue_name: "default",
      work_pool_id: pool.id,
      work_pool_name: "s-shape",
      state: { type: "SCHEDULED", name: "Scheduled" },
    });
    expect(runs[0].flow_run.estimated_start_time_delta).toBeGreaterThan(0);
    // Prefect's clients also poll without any body.
    expect(names(await poll("s-shape"))).toEqual(["due"]);
  });

  it.skipIf(!available)(`orders by queue priority, then by scheduled time ${skipReason}`, async () => {
    await createPool(server, "s-order");
    const first = await readQueue(server, "s-order", "default");
    const second = await createQueue(server, "s-order", "second");
    const top = await createQueue(server, "s-order", "top", { priority: 1 });
    // Inserted out of order so that the sort, not the insertion order, shows.
    await scheduled(second, "second-early", -50);
    await scheduled(first, "first-late", -1);
    await scheduled(top, "top-late", -2);
    await scheduled(first, "first-early", -30);
    await scheduled(top, "top-early", -3);
    await scheduled(second, "second-late", -40);
    expect(names(await poll("s-order"))).toEqual(["top-early", "top-late", "first-early", "first-late", "second-early", "second-late"]);
    expect(names(await poll("s-order", { limit: 3 }))).toEqual(["top-early", "top-late", "first-early"]);
  });

  it.skipIf(!available)(`respects scheduled_before and scheduled_after; no upper bound without scheduled_before ${skipReason}`, async () => {
    await createPool(server, "s-window");
    const queue = await readQueue(server, "s-window", "default");
    await scheduled(queue, "past", -10);
    await scheduled(queue, "soon", 5);
    await scheduled(queue, "later", 60);
    const at = (minutes: number) => toTimestamp(Date.now() + minutes * MINUTE);
    expect(names(await poll("s-window", { scheduled_before: at(0) }))).toEqual(["past"]);
    expect(names(await poll("s-window", { scheduled_before: at(10) }))).toEqual(["past", "soon"]);
    expect(names(await poll("s-window", { scheduled_after: at(0) }))).toEqual(["soon", "later"]);
    expect(names(await poll("s-window", { scheduled_after: at(0), scheduled_before: at(10) }))).toEqual(["soon"]);
    expect(names(await poll("s-window", {}))).toEqual(["past", "soon", "later"]);
    // Python's str(datetime) separates date and time with a space and gives an offset; both work.
    const spaced = new Date(Date.now() + 10 * MINUTE).toISOString().replace("T", " ").replace("Z", "+00:00");
    expect(names(await poll("s-window", { scheduled_before: spaced, scheduled_after: null, work_queue_names: null, limit: null }))).toEqual(["past", "soon"]);
    const bad = await server.request("POST", "/work_pools/s-window/get_scheduled_flow_runs", { scheduled_before: "soon" });
    expect(bad.status).toBe(422);
    expect(bad.body.detail[0].loc).toEqual(["body", "scheduled_before"]);
  });

  it.skipIf(!available)(`reads only the named queues; an unknown or foreign queue name is 404 ${skipReason}`, async () => {
    await createPool(server, "s-named");
    await createPool(server, "s-named-other");
    await createQueue(server, "s-named-other", "foreign");
    const main = await readQueue(server, "s-named", "default");
    const extra = await createQueue(server, "s-named", "extra");
    const third = await createQueue(server, "s-named", "third");
    await scheduled(main, "main-run", -3);
    await scheduled(extra, "extra-run", -2);
    await scheduled(third, "third-run", -1);
    expect(names(await poll("s-named", { work_queue_names: ["extra"] }))).toEqual(["extra-run"]);
    expect(names(await poll("s-named", { work_queue_names: ["third", "default", "third"] }))).toEqual(["main-run", "third-run"]);
    expect(names(await poll("s-named", { work_queue_names: [] }))).toEqual(["main-run", "extra-run", "third-run"]);
    const unknown = await server.request("POST", "/work_pools/s-named/get_scheduled_flow_runs", { work_queue_names: ["extra", "nope"] });
    expect(unknown).toEqual({ status: 404, body: { detail: "Work pool queue 's-named/nope' not found." } });
    const foreign = await server.request("POST", "/work_pools/s-named/get_scheduled_flow_runs", { work_queue_names: ["foreign"] });
    expect(foreign.status).toBe(404);
  });

  it.skipIf(!available)(`offers nothing from a paused pool, and nothing from a paused queue ${skipReason}`, async () => {
    await createPool(server, "s-paused");
    const main = await readQueue(server, "s-paused", "default");
    const held = await createQueue(server, "s-paused", "held", { priority: 1 });
    await scheduled(main, "main-run", -1);
    await scheduled(held, "held-run", -1);
    expect(names(await poll("s-paused"))).toEqual(["held-run", "main-run"]);
    await server.request("PATCH", "/work_pools/s-paused/queues/held", { is_paused: true });
    expect(names(await poll("s-paused"))).toEqual(["main-run"]);
    expect(names(await poll("s-paused", { work_queue_names: ["held"] }))).toEqual([]);
    await server.request("PATCH", "/work_pools/s-paused", { is_paused: true });
    expect(await poll("s-paused")).toEqual([]);
    await server.request("PATCH", "/work_pools/s-paused", { is_paused: false });
    expect(names(await poll("s-paused"))).toEqual(["main-run"]);
  });

  it.skipIf(!available)(`respects the pool's concurrency limit, counting its PENDING and RUNNING runs ${skipReason}`, async () => {
    await createPool(server, "s-pool-limit", { concurrency_limit: 4 });
    const main = await readQueue(server, "s-pool-limit", "default");
    const other = await createQueue(server, "s-pool-limit", "other");
    for (let i = 0; i < 4; i++) await scheduled(main, `main-${i}`, -10 + i);
    await scheduled(other, "other-0", -20);
    expect(names(await poll("s-pool-limit"))).toEqual(["main-0", "main-1", "main-2", "main-3"]);
    await inState(main, "RUNNING");
    await inState(other, "PENDING");
    // CANCELLING and finished runs hold no slot (as in Prefect's work pool scheduler).
    await inState(main, "CANCELLING");
    await inState(main, "COMPLETED");
    expect(names(await poll("s-pool-limit"))).toEqual(["main-0", "main-1"]);
    await inState(other, "RUNNING");
    await inState(other, "RUNNING");
    expect(await poll("s-pool-limit")).toEqual([]);
    await server.request("PATCH", "/work_pools/s-pool-limit", { concurrency_limit: null });
    expect(await poll("s-pool-limit")).toHaveLength(5);
    await server.request("PATCH", "/work_pools/s-pool-limit", { concurrency_limit: 0 });
    expect(await poll("s-pool-limit")).toEqual([]);
  });

  it.skipIf(!available)(`respects each queue's concurrency limit, passing on to the next queue ${skipReason}`, async () => {
    await createPool(server, "s-queue-limit");
    const capped = await readQueue(server, "s-queue-limit", "default");
    const next = await createQueue(server, "s-queue-limit", "next");
    await server.request("PATCH", "/work_pools/s-queue-limit/queues/default", { concurrency_limit: 3 });
    for (let i = 0; i < 5; i++) await scheduled(capped, `capped-${i}`, -10 + i);
    for (let i = 0; i < 2; i++) await scheduled(next, `next-${i}`, -20 + i);
    expect(names(await poll("s-queue-limit"))).toEqual(["capped-0", "capped-1", "capped-2", "next-0", "next-1"]);
    await inState(capped, "RUNNING");
    await inState(capped, "PENDING");
    await inState(next, "RUNNING");
    expect(names(await poll("s-queue-limit"))).toEqual(["capped-0", "next-0", "next-1"]);
    await server.request("PATCH", "/work_pools/s-queue-limit/queues/default", { concurrency_limit: 0 });
    expect(names(await poll("s-queue-limit", { limit: 1 }))).toEqual(["next-0"]);
  });

  it.skipIf(!available)(`claims nothing: repeated polls return the same runs, still SCHEDULED ${skipReason}`, async () => {
    await createPool(server, "s-repeat");
    const queue = await readQueue(server, "s-repeat", "default");
    const ids = await insertFlowRuns(
      server.database.db,
      Array.from({ length: 12 }, (_, i) => ({ flowId, workQueue: queue, name: `r-${i}`, scheduledTime: Date.now() - (20 - i) * MINUTE })),
    );
    const first = await poll("s-repeat", { limit: 10 });
    const second = await poll("s-repeat", { limit: 10 });
    expect(first.map((r) => r.flow_run.id)).toEqual(ids.slice(0, 10));
    expect(second.map((r) => r.flow_run.id)).toEqual(ids.slice(0, 10));
    const rows = await server.database.db.selectFrom("flow_run").select(["state_type", "state_id", "updated"]).where("work_queue_id", "=", queue.id).execute();
    expect(new Set(rows.map((r) => r.state_type))).toEqual(new Set(["SCHEDULED"]));
    expect(first.map((r) => r.flow_run.state_id)).toEqual(second.map((r) => r.flow_run.state_id));
  });

  it.skipIf(!available)(`skips runs that are being retried in process ${skipReason}`, async () => {
    await createPool(server, "s-in-process");
    const queue = await readQueue(server, "s-in-process", "default");
    await insertFlowRun(server.database.db, { flowId, workQueue: queue, name: "retrying", scheduledTime: Date.now() - MINUTE, empiricalPolicy: { retry_type: "in_process", retries: 2 } });
    await insertFlowRun(server.database.db, { flowId, workQueue: queue, name: "rescheduled", scheduledTime: Date.now() - MINUTE, empiricalPolicy: { retry_type: "reschedule", retries: 2 } });
    await scheduled(queue, "plain", 0);
    expect(names(await poll("s-in-process"))).toEqual(["rescheduled", "plain"]);
  });

  it.skipIf(!available)(`caps at 200 by default; limit over 200 is 422; limit 0 offers nothing ${skipReason}`, async () => {
    await createPool(server, "s-limit");
    const queue = await readQueue(server, "s-limit", "default");
    await insertFlowRuns(
      server.database.db,
      Array.from({ length: 230 }, (_, i) => ({ flowId, workQueue: queue, scheduledTime: Date.now() - (300 - i) * 1000 })),
    );
    expect(await poll("s-limit")).toHaveLength(200);
    expect(await poll("s-limit", { limit: 200 })).toHaveLength(200);
    expect(await poll("s-limit", { limit: 0 })).toEqual([]);
    expect(await server.request("POST", "/work_pools/s-limit/get_scheduled_flow_runs", { limit: 201 })).toEqual({
      status: 422,
      body: { detail: "Invalid limit: must be less than or equal to 200." },
    });
    expect(await server.request("POST", "/work_pools/s-limit/get_scheduled_flow_runs", { limit: -1 })).toEqual({
      status: 422,
      body: { detail: "Invalid limit: must be greater than or equal to 0." },
    });
    const typed = await server.request("POST", "/work_pools/s-limit/get_scheduled_flow_runs", { limit: "5", work_queue_names: "default" });
    expect(typed.status).toBe(422);
    expect(typed.body.detail.map((d: { loc: unknown }) => d.loc)).toEqual(expect.arrayContaining([["body", "limit"], ["body", "work_queue_names"]]));
  });

  it.skipIf(!available)(`marks the polled queues polled (READY), not the others, paused ones included ${skipReason}`, async () => {
    await createPool(server, "s-polled");
    await createQueue(server, "s-polled", "named");
    await createQueue(server, "s-polled", "idle");
    await createQueue(server, "s-polled", "stopped", { is_paused: true });
    const before = toTimestamp(Date.now() - 1);
    await poll("s-polled", { work_queue_names: ["named", "stopped"] });
    const named = await readQueue(server, "s-polled", "named");
    expect(named.status).toBe("READY");
    expect(named.last_polled! > before).toBe(true);
    expect(await readQueue(server, "s-polled", "idle")).toMatchObject({ last_polled: null, status: "NOT_READY" });
    expect((await readQueue(server, "s-polled", "stopped")).status).toBe("PAUSED");
    expect((await readQueue(server, "s-polled", "stopped")).last_polled).not.toBeNull();
    await poll("s-polled");
    expect((await readQueue(server, "s-polled", "idle")).status).toBe("READY");
    expect((await readQueue(server, "s-polled", "default")).status).toBe("READY");
  });

  it.skipIf(!available)(`writes last_polled at most once a second per queue ${skipReason}`, async () => {
    await createPool(server, "s-throttle");
    // A mark newer than a second ago is kept (a future one here, so that a slow run cannot age it).
    const recent = toTimestamp(Date.now() + 5_000);
    await server.request("PATCH", "/work_pools/s-throttle/queues/default", { last_polled: recent });
    await poll("s-throttle");
    expect((await readQueue(server, "s-throttle", "default")).last_polled).toBe(recent);
    const old = toTimestamp(Date.now() - 2_000);
    await server.request("PATCH", "/work_pools/s-throttle/queues/default", { last_polled: old });
    await poll("s-throttle");
    expect((await readQueue(server, "s-throttle", "default")).last_polled! > old).toBe(true);
  });
});
