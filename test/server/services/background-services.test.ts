import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { openDatabase, type Database } from "../../../packages/server/src/database/index.js";
import { newId } from "../../../packages/server/src/ids.js";
import type { BackgroundService } from "../../../packages/server/src/services/background-service.js";
import { cancellationCleanupService } from "../../../packages/server/src/services/cancellation-cleanup.js";
import { lateRunsService } from "../../../packages/server/src/services/late-runs.js";
import { orphanRecoveryService } from "../../../packages/server/src/services/orphan-recovery.js";
import { ServiceRunner } from "../../../packages/server/src/services/service-runner.js";
import { toTimestamp } from "../../../packages/server/src/timestamps.js";
import { createFlow, createFlowRun, insertWorkPool, setState } from "../../support/api-fixtures.js";
import { ENGINES } from "../../support/test-database.js";
import { startTestServer, type TestServer } from "../../support/test-server.js";

const secondsAgo = (s: number) => new Date(Date.now() - s * 1000).toISOString();

/**
 * Each service against a real database, driven pass by pass with a given clock, by two replicas
 * (two connections to one database, each with its own runner) racing for every pass.
 */
describe.each(ENGINES)("background services on $engine", ({ engine, available, skipReason }) => {
  let server: TestServer;
  let replica: Database;
  let flowId: string;
  beforeAll(async () => {
    if (!available) return;
    server = await startTestServer(engine);
    replica = await openDatabase({ url: server.database.url });
    flowId = await createFlow(server, "services");
  });
  afterAll(async () => {
    await replica?.close();
    await server?.close();
  });

  const readRun = async (id: string) => (await server.request("GET", `/flow_runs/${id}`)).body;
  const history = async (id: string) => (await server.request("GET", `/flow_run_states/?flow_run_id=${id}`)).body.map((s: { name: string }) => s.name);

  /** Both replicas attempt the same pass at once; returns what each reported (null: no lease). */
  async function raceReplicas(service: BackgroundService, now: number) {
    const a = new ServiceRunner(server.database, server.app.log, [service]);
    const b = new ServiceRunner(replica, server.app.log, [service]);
    try {
      return await Promise.all([a.runOnce(service, now), b.runOnce(service, now)]);
    } finally {
      await a.stop();
      await b.stop();
    }
  }

  it.skipIf(!available)(`late runs: only past-due Scheduled runs become Late, once, by one replica ${skipReason}`, async () => {
    const overdue = await createFlowRun(server, flowId, { state: { type: "SCHEDULED", state_details: { scheduled_time: secondsAgo(60) } } });
    const fresh = await createFlowRun(server, flowId, { state: { type: "SCHEDULED", state_details: { scheduled_time: secondsAgo(5) } } });
    const retrying = await createFlowRun(server, flowId, { state: { type: "SCHEDULED", name: "AwaitingRetry", state_details: { scheduled_time: secondsAgo(60) } } });
    const claimed = await createFlowRun(server, flowId, { state: { type: "SCHEDULED", state_details: { scheduled_time: secondsAgo(60) } } });
    await setState(server, claimed.id, { type: "PENDING" });

    const results = await raceReplicas(lateRunsService({ intervalSeconds: 5, afterSeconds: 15 }), Date.now());
    expect(results.filter((r) => r === null)).toHaveLength(1);
    expect(results.find((r) => r !== null)).toBeGreaterThanOrEqual(1);

    const late = await readRun(overdue.id);
    expect(late).toMatchObject({ state_type: "SCHEDULED", state_name: "Late" });
    expect(late.state.state_details.scheduled_time).toBe(overdue.state.state_details.scheduled_time);
    expect(await history(overdue.id)).toEqual(["Scheduled", "Late"]);
    expect((await readRun(fresh.id)).state_name).toBe("Scheduled");
    expect((await readRun(retrying.id)).state_name).toBe("AwaitingRetry");
    expect((await readRun(claimed.id)).state_name).toBe("Pending");

    // A second pass finds nothing left to do.
    expect(await raceReplicas(lateRunsService({ intervalSeconds: 5, afterSeconds: 15 }), Date.now())).toContain(0);
  });

  it.skipIf(!available)(`cancellation cleanup: CANCELLING past the timeout becomes CANCELLED with a reason ${skipReason}`, async () => {
    const run = await createFlowRun(server, flowId);
    await setState(server, run.id, { type: "PENDING" });
    await server.request("PATCH", `/flow_runs/${run.id}`, { infrastructure_pid: "task-9" });
    await setState(server, run.id, { type: "RUNNING" });
    await setState(server, run.id, { type: "CANCELLING" });
    const service = cancellationCleanupService({ intervalSeconds: 20, timeoutSeconds: 300 });

    await raceReplicas(service, Date.now() + 10_000);
    expect((await readRun(run.id)).state_type).toBe("CANCELLING");

    const results = await raceReplicas(service, Date.now() + 301_000);
    expect(results).toContain(null);
    const stored = await readRun(run.id);
    expect(stored.state_type).toBe("CANCELLED");
    expect(stored.state.message).toBe("No worker confirmed the cancellation within 300 s; the server marked the run cancelled. Its infrastructure (task-9) may still be running.");
    expect((await history(run.id)).filter((n: string) => n === "Cancelled")).toHaveLength(1);
  });

  it.skipIf(!available)(`orphan recovery: PENDING past the timeout goes back to SCHEDULED only when its pool has no online worker ${skipReason}`, async () => {
    const { poolId } = await insertWorkPool(server.database.db, `pool-${newId().slice(-6)}`);
    const run = await createFlowRun(server, flowId);
    await server.database.db.updateTable("flow_run").set({ work_pool_id: poolId }).where("id", "=", run.id).execute();
    await setState(server, run.id, { type: "PENDING" });
    const service = orphanRecoveryService({ intervalSeconds: 30, timeoutSeconds: 300 });
    const later = Date.now() + 301_000;

    // A worker of the pool still heartbeating at that time: the claimant may be alive.
    const now = toTimestamp(Date.now());
    const workerId = newId();
    await server.database.db
      .insertInto("worker")
      .values({ id: workerId, created: now, updated: now, name: "w1", work_pool_id: poolId, last_heartbeat_time: toTimestamp(later - 5_000), heartbeat_interval_seconds: 30, status: "ONLINE" })
      .execute();
    await raceReplicas(service, later);
    expect((await readRun(run.id)).state_type).toBe("PENDING");

    // The worker stopped heartbeating well before: the run is rescheduled, once.
    await server.database.db.updateTable("worker").set({ last_heartbeat_time: now }).where("id", "=", workerId).execute();
    const results = await raceReplicas(service, later);
    expect(results).toContain(null);
    const stored = await readRun(run.id);
    expect(stored).toMatchObject({ state_type: "SCHEDULED", state_name: "Scheduled" });
    expect(stored.state.message).toMatch(/no worker of its pool is online/);
    expect(await history(run.id)).toEqual(["Scheduled", "Pending", "Scheduled"]);
    // A worker can claim it again.
    expect((await setState(server, run.id, { type: "PENDING" })).body.status).toBe("ACCEPT");
  });

  it.skipIf(!available)(`leases: a replica takes a service over only after the holder released it or its lease expired ${skipReason}`, async () => {
    const service: BackgroundService = { name: `probe-${newId().slice(-6)}`, intervalSeconds: 10, run: async () => 1 };
    const a = new ServiceRunner(server.database, server.app.log, [service]);
    const b = new ServiceRunner(replica, server.app.log, [service]);
    const t0 = Date.now();
    expect(await a.runOnce(service, t0)).toBe(1);
    expect(await b.runOnce(service, t0 + 1_000)).toBeNull();
    expect(await a.runOnce(service, t0 + 2_000)).toBe(1);
    // The lease (30 s at least) expired without renewal: b takes over, and a no longer runs.
    expect(await b.runOnce(service, t0 + 40_000)).toBe(1);
    expect(await a.runOnce(service, t0 + 41_000)).toBeNull();
    await b.stop();
    expect(await a.runOnce(service, t0 + 42_000)).toBe(1);
    await a.stop();
  });
});

describe.each(ENGINES)("services in the app on $engine", ({ engine, available, skipReason }) => {
  it.skipIf(!available)(`start when the app is ready, only when enabled, and stop with it ${skipReason}`, async () => {
    const server = await startTestServer(engine, { services: { lateRuns: { enabled: true, loopSeconds: 0.05, afterSeconds: 15 }, orphanRecovery: { enabled: false } } });
    try {
      const flowId = await createFlow(server, "app-services");
      const run = await createFlowRun(server, flowId, { state: { type: "SCHEDULED", state_details: { scheduled_time: secondsAgo(60) } } });
      await vi.waitFor(async () => expect((await server.request("GET", `/flow_runs/${run.id}`)).body.state_name).toBe("Late"), { timeout: 30_000, interval: 100 });
      const leases = await server.database.db.selectFrom("service_lease").select("name").execute();
      expect(leases.map((l) => l.name)).toEqual(["late-runs"]);
    } finally {
      await server.close();
    }
  });
});
