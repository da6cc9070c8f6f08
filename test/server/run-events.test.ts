import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpTransport } from "../../packages/client/src/index.js";
import { openRunEventStream, type RunEventStream } from "../../packages/client/src/run-event-stream.js";
import type { RunEvent } from "../../packages/schemas/src/index.js";
import { buildApp, type EcsflowApp } from "../../packages/server/src/app.js";
import { openDatabase, type Database } from "../../packages/server/src/database/index.js";
import { createFlow, createFlowRun, setState } from "../support/api-fixtures.js";
import { ENGINES, PG_URL } from "../support/test-database.js";
import { startTestServer, type TestServer } from "../support/test-server.js";

/** Collects a stream's events; waitFor resolves once one matches (or fails after 20 s). */
function collect(apiUrl: string, query: { work_pool_name?: string; flow_run_id?: string }) {
  const events: RunEvent[] = [];
  const waiters: { match: (e: RunEvent) => boolean; resolve: (e: RunEvent) => void }[] = [];
  let resyncs = 0;
  const stream: RunEventStream = openRunEventStream({
    transport: new HttpTransport({ apiUrl }),
    query,
    onEvent(event) {
      events.push(event);
      for (const w of [...waiters]) {
        if (!w.match(event)) continue;
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(event);
      }
    },
    onResync: () => resyncs++,
  });
  return {
    events,
    stream,
    get resyncs() {
      return resyncs;
    },
    waitFor(match: (e: RunEvent) => boolean): Promise<RunEvent> {
      const found = events.find(match);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`no matching event among ${JSON.stringify(events)}`)), 20_000);
        waiters.push({ match, resolve: (e) => (clearTimeout(t), resolve(e)) });
      });
    },
  };
}

async function createPool(server: TestServer, name: string): Promise<void> {
  const r = await server.request("POST", "/work_pools/", { name, type: "process" });
  expect(r.status).toBe(201);
}

describe.each(ENGINES)("run event stream on $engine", ({ engine, available, skipReason }) => {
  let server: TestServer;
  let flowId: string;
  beforeAll(async () => {
    if (!available) return;
    server = await startTestServer(engine);
    flowId = await createFlow(server, "evented");
    await createPool(server, "events-a");
    await createPool(server, "events-b");
  });
  afterAll(async () => server?.close());

  it.skipIf(!available)(`advertises its capabilities ${skipReason}`, async () => {
    const r = await server.request("GET", "/ecsflow/capabilities");
    expect(r).toEqual({ status: 200, body: { run_events: "/ecsflow/run_events", set_state_preconditions: ["expected_state_type"], run_costs: "/ecsflow/flow_runs/{id}/cost", notifications: "/ecsflow/notifications" } });
  });

  it.skipIf(!available)(`streams a pool's new, rescheduled and cancelling runs, and only that pool's ${skipReason}`, async () => {
    const a = collect(server.apiUrl, { work_pool_name: "events-a" });
    try {
      await a.stream.ready;
      expect(a.stream.connected).toBe(true);
      expect(a.resyncs).toBe(1);
      const other = await createFlowRun(server, flowId, { work_pool_name: "events-b" });
      const mine = await createFlowRun(server, flowId, { work_pool_name: "events-a" });
      const created = await a.waitFor((e) => e.id === mine.id);
      expect(created).toMatchObject({ kind: "flow_run", flow_run_id: mine.id, state_type: "SCHEDULED", work_pool_name: "events-a", work_queue_name: "default" });
      expect(created.scheduled_time).toBe(mine.next_scheduled_start_time);
      await setState(server, mine.id, { type: "PENDING" });
      await setState(server, mine.id, { type: "CANCELLING" });
      await a.waitFor((e) => e.id === mine.id && e.state_type === "CANCELLING");
      expect(a.events.filter((e) => e.id === mine.id).map((e) => e.state_type)).toEqual(["SCHEDULED", "PENDING", "CANCELLING"]);
      expect(a.events.some((e) => e.id === other.id)).toBe(false);
    } finally {
      a.stream.close();
    }
  });

  it.skipIf(!available)(`streams one flow run's task runs for its page ${skipReason}`, async () => {
    const run = await createFlowRun(server, flowId);
    const page = collect(server.apiUrl, { flow_run_id: run.id });
    try {
      await page.stream.ready;
      const task = await server.request("POST", "/task_runs/", { flow_run_id: run.id, task_key: "t", dynamic_key: "0" });
      expect(task.status).toBe(201);
      await setState(server, task.body.id, { type: "RUNNING" }, false, "task_runs");
      const event = await page.waitFor((e) => e.id === task.body.id && e.state_type === "RUNNING");
      expect(event).toMatchObject({ kind: "task_run", flow_run_id: run.id });
    } finally {
      page.stream.close();
    }
  });

  it.skipIf(!available)(`honours expected_state_type: aborts without writing unless the run is in that state ${skipReason}`, async () => {
    const run = await createFlowRun(server, flowId);
    const early = await server.request("POST", `/flow_runs/${run.id}/set_state`, { state: { type: "RUNNING" }, orchestration_parameters: { expected_state_type: "PENDING" } });
    expect(early.status).toBe(200);
    expect(early.body).toMatchObject({ status: "ABORT", details: { reason: "The run is SCHEDULED, not PENDING as the proposal required." }, state: { id: run.state.id } });
    await setState(server, run.id, { type: "PENDING" });
    const ok = await server.request("POST", `/flow_runs/${run.id}/set_state`, { state: { type: "RUNNING" }, orchestration_parameters: { expected_state_type: "PENDING" } });
    expect(ok.body.status).toBe("ACCEPT");
    await setState(server, run.id, { type: "COMPLETED" });
    const late = await server.request("POST", `/flow_runs/${run.id}/set_state`, { state: { type: "RUNNING" }, orchestration_parameters: { expected_state_type: "PENDING" } });
    expect(late.body.status).toBe("ABORT");
    expect((await server.request("GET", `/flow_runs/${run.id}`)).body.state_type).toBe("COMPLETED");
    const history = await server.request("GET", `/flow_run_states/?flow_run_id=${run.id}`);
    expect(history.body.map((s: { type: string }) => s.type)).toEqual(["SCHEDULED", "PENDING", "RUNNING", "COMPLETED"]);
  });

  it.skipIf(!available)(`counts a worker's RUNNING and the flow's own RUNNING after it as one attempt ${skipReason}`, async () => {
    const run = await createFlowRun(server, flowId);
    await setState(server, run.id, { type: "PENDING" });
    const byWorker = await server.request("POST", `/flow_runs/${run.id}/set_state`, { state: { type: "RUNNING" }, orchestration_parameters: { expected_state_type: "PENDING" } });
    expect(byWorker.body.status).toBe("ACCEPT");
    expect((await setState(server, run.id, { type: "RUNNING" })).body.status).toBe("ACCEPT");
    const stored = (await server.request("GET", `/flow_runs/${run.id}`)).body;
    expect(stored).toMatchObject({ state_type: "RUNNING", run_count: 1 });
    expect(stored.start_time).toBe(byWorker.body.state.timestamp);
  });

  it.skipIf(!available)(`refuses a bad expected_state_type with 422 naming the field ${skipReason}`, async () => {
    const run = await createFlowRun(server, flowId);
    const r = await server.request("POST", `/flow_runs/${run.id}/set_state`, { state: { type: "RUNNING" }, orchestration_parameters: { expected_state_type: "WAITING" } });
    expect(r.status).toBe(422);
    expect(JSON.stringify(r.body.detail)).toContain("expected_state_type");
    expect((await server.request("GET", `/flow_runs/${run.id}`)).body.state_type).toBe("SCHEDULED");
  });

  it.skipIf(!available)(`closes open streams when the server shuts down ${skipReason}`, async () => {
    const extra = await startTestServer(engine);
    const s = collect(extra.apiUrl, {});
    await s.stream.ready;
    await extra.close();
    s.stream.close();
    expect(s.resyncs).toBe(1);
  });
});

const pg = ENGINES.find((e) => e.engine === "postgresql")!;

describe("run events across server replicas on PostgreSQL", () => {
  it.skipIf(!pg.available)(`wakes a subscriber of one replica for a run created on another ${pg.skipReason}`, async () => {
    const server = await startTestServer("postgresql");
    let replicaDb: Database | undefined;
    let replica: EcsflowApp | undefined;
    const sub = { close: () => undefined } as { close(): void };
    try {
      replicaDb = await openDatabase({ url: PG_URL, schema: server.database.schema!, migrate: false });
      replica = await buildApp({ database: replicaDb });
      await replica.listen({ host: "127.0.0.1", port: 0 });
      const address = replica.server.address();
      const replicaUrl = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}/api`;
      await createPool(server, "shared");
      const flowId = await createFlow(server);
      const events = collect(replicaUrl, { work_pool_name: "shared" });
      sub.close = () => events.stream.close();
      await events.stream.ready;
      // The bridge may still be subscribing right after start; a fresh run each try keeps it honest.
      let run: { id: string } | undefined;
      for (let i = 0; i < 20 && events.events.length === 0; i++) {
        run = await createFlowRun(server, flowId, { work_pool_name: "shared" });
        await new Promise((r) => setTimeout(r, 100));
      }
      const event = await events.waitFor((e) => e.id === run!.id);
      expect(event).toMatchObject({ state_type: "SCHEDULED", work_pool_name: "shared" });
      // Each event arrives once, even though the replica also publishes its own.
      const ids = events.events.map((e) => e.id);
      expect(new Set(ids).size).toBe(ids.length);
    } finally {
      sub.close();
      await replica?.close();
      await replicaDb?.close();
      await server.close();
    }
  });
});
