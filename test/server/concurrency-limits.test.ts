import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectResponseMatches, openApiAvailable } from "../support/openapi-contract.js";
import { ENGINES } from "../support/test-database.js";
import { startTestServer, type TestServer } from "../support/test-server.js";
import { createFlow, createFlowRun, setState } from "../support/api-fixtures.js";

// Prefect's tag-based (v1) concurrency limits: the API, and the orchestration rules that take and
// give back a task run's slots (SecureTaskConcurrencySlots, ReleaseTaskConcurrencySlots).

describe.each(ENGINES)("/concurrency_limits on $engine", ({ engine, available, skipReason }) => {
  let server: TestServer;
  let flowRunId: string;
  const contract = (method: "GET" | "POST", path: string, status: number, body: unknown) => {
    if (openApiAvailable) expectResponseMatches(method, path, status, body);
  };

  beforeAll(async () => {
    if (!available) return;
    server = await startTestServer(engine);
    flowRunId = (await createFlowRun(server, await createFlow(server))).id;
  });
  afterAll(async () => server?.close());

  let taskCount = 0;
  const taskRun = async (tags: string[]) => {
    const r = await server.request("POST", "/task_runs/", { flow_run_id: flowRunId, task_key: "t", dynamic_key: String(taskCount++), name: "t", tags });
    expect(r.status).toBe(201);
    await setState(server, r.body.id, { type: "PENDING" }, false, "task_runs");
    return r.body.id as string;
  };

  it.skipIf(!available)(`creates, upserts by tag, reads, filters and deletes limits ${skipReason}`, async () => {
    const created = await server.request("POST", "/concurrency_limits/", { tag: "crud", concurrency_limit: 2 });
    expect(created.status).toBe(201);
    contract("POST", "/concurrency_limits/", 200, created.body);
    expect(created.body).toMatchObject({ tag: "crud", concurrency_limit: 2, active_slots: [] });
    const again = await server.request("POST", "/concurrency_limits/", { tag: "crud", concurrency_limit: 5 });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ id: created.body.id, concurrency_limit: 5 });
    const byId = await server.request("GET", `/concurrency_limits/${created.body.id}`);
    contract("GET", `/concurrency_limits/${created.body.id}`, 200, byId.body);
    expect(byId.body.concurrency_limit).toBe(5);
    expect((await server.request("GET", "/concurrency_limits/tag/crud")).body.id).toBe(created.body.id);
    await server.request("POST", "/concurrency_limits/", { tag: "crud-b", concurrency_limit: 1 });
    const listed = await server.request("POST", "/concurrency_limits/filter", { limit: 10 });
    contract("POST", "/concurrency_limits/filter", 200, listed.body);
    const tags = listed.body.map((l: { tag: string }) => l.tag);
    expect(tags.indexOf("crud")).toBeLessThan(tags.indexOf("crud-b"));
    expect((await server.request("DELETE", `/concurrency_limits/${created.body.id}`)).status).toBe(200);
    expect((await server.request("GET", "/concurrency_limits/tag/crud")).status).toBe(404);
    expect((await server.request("DELETE", "/concurrency_limits/tag/crud-b")).status).toBe(200);
    expect((await server.request("DELETE", "/concurrency_limits/tag/crud-b")).status).toBe(404);
  });

  it.skipIf(!available)(`answers 422 naming the field and writes nothing for bad input ${skipReason}`, async () => {
    const bad = await server.request("POST", "/concurrency_limits/", { tag: "bad", concurrency_limit: "many" });
    expect(bad.status).toBe(422);
    expect(bad.body.detail[0].loc).toEqual(["body", "concurrency_limit"]);
    const negative = await server.request("POST", "/concurrency_limits/", { tag: "bad", concurrency_limit: -1 });
    expect(negative.status).toBe(422);
    expect((await server.request("GET", "/concurrency_limits/tag/bad")).status).toBe(404);
    const reset = await server.request("POST", "/concurrency_limits/tag/bad/reset", { slot_override: ["nope"] });
    expect(reset.status).toBe(422);
    expect(reset.body.detail[0].loc).toEqual(["body", "slot_override", 0]);
  });

  it.skipIf(!available)(`makes a task run WAIT while its tag's slots are held and frees the slot when it ends ${skipReason}`, async () => {
    await server.request("POST", "/concurrency_limits/", { tag: "one-slot", concurrency_limit: 1 });
    const first = await taskRun(["one-slot", "other"]);
    const second = await taskRun(["one-slot"]);
    const running = await setState(server, first, { type: "RUNNING" }, false, "task_runs");
    expect(running.body.status).toBe("ACCEPT");
    expect((await server.request("GET", "/concurrency_limits/tag/one-slot")).body.active_slots).toEqual([first]);
    const waiting = await setState(server, second, { type: "RUNNING" }, false, "task_runs");
    contract("POST", `/task_runs/${second}/set_state`, 200, waiting.body);
    expect(waiting.body).toMatchObject({ status: "WAIT", details: { type: "wait_details", delay_seconds: 30, reason: "Concurrency limit for the one-slot tag has been reached" } });
    expect((await server.request("GET", `/task_runs/${second}`)).body.state.type).toBe("PENDING");
    expect((await setState(server, first, { type: "COMPLETED" }, false, "task_runs")).body.status).toBe("ACCEPT");
    expect((await server.request("GET", "/concurrency_limits/tag/one-slot")).body.active_slots).toEqual([]);
    expect((await setState(server, second, { type: "RUNNING" }, false, "task_runs")).body.status).toBe("ACCEPT");
    // A forced transition gives the slot back too (Prefect's MinimalTaskPolicy).
    expect((await setState(server, second, { type: "FAILED" }, true, "task_runs")).body.status).toBe("ACCEPT");
    expect((await server.request("GET", "/concurrency_limits/tag/one-slot")).body.active_slots).toEqual([]);
  });

  it.skipIf(!available)(`aborts a task run whose tag has a limit of 0 ${skipReason}`, async () => {
    await server.request("POST", "/concurrency_limits/", { tag: "zero", concurrency_limit: 0 });
    const run = await taskRun(["zero"]);
    const result = await setState(server, run, { type: "RUNNING" }, false, "task_runs");
    expect(result.body).toMatchObject({ status: "ABORT", details: { reason: 'The concurrency limit on tag "zero" is 0 and will deadlock if the task tries to run again.' } });
    expect((await server.request("GET", `/task_runs/${run}`)).body.state.type).toBe("PENDING");
  });

  it.skipIf(!available)(`gives the last slot to exactly one of 8 racing task runs ${skipReason}`, async () => {
    for (let round = 0; round < 3; round++) {
      const tag = `race-${round}`;
      await server.request("POST", "/concurrency_limits/", { tag, concurrency_limit: 3 });
      const holders = [await taskRun([tag]), await taskRun([tag])];
      for (const id of holders) expect((await setState(server, id, { type: "RUNNING" }, false, "task_runs")).body.status).toBe("ACCEPT");
      const racers = await Promise.all(Array.from({ length: 8 }, () => taskRun([tag])));
      const results = await Promise.all(racers.map((id) => setState(server, id, { type: "RUNNING" }, false, "task_runs")));
      const statuses = results.map((r) => r.body.status).sort();
      expect(statuses).toEqual(["ACCEPT", ...Array(7).fill("WAIT")]);
      const limit = (await server.request("GET", `/concurrency_limits/tag/${tag}`)).body;
      expect(limit.active_slots).toHaveLength(3);
      const running = await Promise.all(racers.map(async (id) => (await server.request("GET", `/task_runs/${id}`)).body.state.type));
      expect(running.filter((t) => t === "RUNNING")).toHaveLength(1);
    }
  });

  it.skipIf(!available)(`resets slots, and increments and decrements them for a task run ${skipReason}`, async () => {
    await server.request("POST", "/concurrency_limits/", { tag: "manual", concurrency_limit: 1 });
    const run = await taskRun([]);
    const inc = await server.request("POST", "/concurrency_limits/increment", { names: ["manual", "unlimited"], task_run_id: run });
    expect(inc.status).toBe(200);
    contract("POST", "/concurrency_limits/increment", 200, inc.body);
    expect(inc.body.map((l: { name: string }) => l.name)).toEqual(["manual"]);
    const other = await taskRun([]);
    const locked = await server.request("POST", "/concurrency_limits/increment", { names: ["manual"], task_run_id: other });
    expect(locked.status).toBe(423);
    const dec = await server.request("POST", "/concurrency_limits/decrement", { names: ["manual"], task_run_id: run });
    contract("POST", "/concurrency_limits/decrement", 200, dec.body);
    expect(dec.body).toHaveLength(1);
    const reset = await server.request("POST", "/concurrency_limits/tag/manual/reset", { slot_override: [other] });
    expect(reset.status).toBe(200);
    expect((await server.request("GET", "/concurrency_limits/tag/manual")).body.active_slots).toEqual([other]);
    await server.request("POST", "/concurrency_limits/tag/manual/reset", {});
    expect((await server.request("GET", "/concurrency_limits/tag/manual")).body.active_slots).toEqual([]);
  });
});
