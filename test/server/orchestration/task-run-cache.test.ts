import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectResponseMatches, openApiAvailable } from "../../support/openapi-contract.js";
import { ENGINES } from "../../support/test-database.js";
import { startTestServer, type TestServer } from "../../support/test-server.js";
import { createFlow, createFlowRun, setState } from "../../support/api-fixtures.js";

// Prefect's CacheInsertion and CacheRetrieval: a COMPLETED task-run state with a cache key is
// remembered; a task run proposing RUNNING with that key is given a copy instead of running.

describe.each(ENGINES)("task-run cache on $engine", ({ engine, available, skipReason }) => {
  let server: TestServer;
  let flowRunId: string;
  let n = 0;

  beforeAll(async () => {
    if (!available) return;
    server = await startTestServer(engine);
    flowRunId = (await createFlowRun(server, await createFlow(server))).id;
  });
  afterAll(async () => server?.close());

  const pendingTaskRun = async () => {
    const r = await server.request("POST", "/task_runs/", { flow_run_id: flowRunId, task_key: "c", dynamic_key: String(n++), name: "c" });
    await setState(server, r.body.id, { type: "PENDING" }, false, "task_runs");
    return r.body.id as string;
  };

  const completeWith = async (details: Record<string, unknown>) => {
    const id = await pendingTaskRun();
    await setState(server, id, { type: "RUNNING" }, false, "task_runs");
    const done = await setState(server, id, { type: "COMPLETED", data: { type: "reference", key: "result-1" }, state_details: details }, false, "task_runs");
    expect(done.body.status).toBe("ACCEPT");
    return done.body.state;
  };

  it.skipIf(!available)(`answers a RUNNING proposal with a live cache key by REJECT and a Cached copy ${skipReason}`, async () => {
    const original = await completeWith({ cache_key: "k-live", cache_expiration: new Date(Date.now() + 3_600_000).toISOString() });
    const id = await pendingTaskRun();
    const result = await setState(server, id, { type: "RUNNING", state_details: { cache_key: "k-live" } }, false, "task_runs");
    if (openApiAvailable) expectResponseMatches("POST", `/task_runs/${id}/set_state`, 201, result.body);
    expect(result.body).toMatchObject({ status: "REJECT", details: { reason: "Retrieved state from cache" } });
    expect(result.body.state).toMatchObject({ type: "COMPLETED", name: "Cached", data: { type: "reference", key: "result-1" } });
    expect(result.body.state.id).not.toBe(original.id);
    expect(result.body.state.state_details.task_run_id).toBe(id);
    const run = (await server.request("GET", `/task_runs/${id}`)).body;
    expect(run.state.name).toBe("Cached");
    expect(run.run_count).toBe(0);
  });

  it.skipIf(!available)(`runs the task when the key is expired, unknown, or refresh_cache is set ${skipReason}`, async () => {
    await completeWith({ cache_key: "k-old", cache_expiration: new Date(Date.now() - 1000).toISOString() });
    await completeWith({ cache_key: "k-refresh" });
    const proposals = [{ cache_key: "k-old" }, { cache_key: "k-none" }, { cache_key: "k-refresh", refresh_cache: true }];
    for (const state_details of proposals) {
      const id = await pendingTaskRun();
      const result = await setState(server, id, { type: "RUNNING", state_details }, false, "task_runs");
      expect(result.body.status, JSON.stringify(state_details)).toBe("ACCEPT");
      expect(result.body.state.type).toBe("RUNNING");
    }
  });

  it.skipIf(!available)(`does not cache a completed state without a key ${skipReason}`, async () => {
    await completeWith({});
    const before = await server.database.db.selectFrom("task_run_state_cache").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
    await completeWith({});
    const after = await server.database.db.selectFrom("task_run_state_cache").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  });
});
