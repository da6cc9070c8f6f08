import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFlow, createFlowRun, setState } from "../support/api-fixtures.js";
import { ENGINES } from "../support/test-database.js";
import { startTestServer, type TestServer } from "../support/test-server.js";

const MISSING = "00000000-0000-4000-8000-000000000000";
const inOneHour = () => new Date(Date.now() + 3600_000).toISOString();

describe.each(ENGINES)("set_state on $engine", ({ engine, available, skipReason }) => {
  let server: TestServer;
  let flowId: string;
  beforeAll(async () => {
    if (!available) return;
    server = await startTestServer(engine);
    flowId = await createFlow(server, "stateful");
  });
  afterAll(async () => server?.close());

  it.skipIf(!available)(`accepts a transition with 201 and the written state ${skipReason}`, async () => {
    const run = await createFlowRun(server, flowId);
    const r = await setState(server, run.id, { type: "PENDING", message: "claimed", state_details: { transition_id: randomUUID() } });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ status: "ACCEPT", details: { type: "accept_details" }, state: { type: "PENDING", name: "Pending", message: "claimed" } });
    // The PENDING state keeps the scheduled time of the SCHEDULED one (CopyScheduledTime).
    expect(r.body.state.state_details).toMatchObject({ flow_run_id: run.id, scheduled_time: run.state.state_details.scheduled_time });
    const stored = (await server.request("GET", `/flow_runs/${run.id}`)).body;
    expect(stored).toMatchObject({ state_type: "PENDING", state_name: "Pending", state_id: r.body.state.id, next_scheduled_start_time: null });
    expect(stored.state).toEqual(r.body.state);
  });

  it.skipIf(!available)(`aborts a second claim with Prefect's reason and the winner's state (200) ${skipReason}`, async () => {
    const run = await createFlowRun(server, flowId);
    const first = await setState(server, run.id, { type: "PENDING" });
    const second = await setState(server, run.id, { type: "PENDING" });
    expect(second).toEqual({
      status: 200,
      body: {
        status: "ABORT",
        details: { type: "abort_details", reason: "This run is in a PENDING state and cannot transition to a PENDING state." },
        state: first.body.state,
      },
    });
  });

  it.skipIf(!available)(`tells a client to wait until the scheduled time before RUNNING, but accepts PENDING ${skipReason}`, async () => {
    const run = await createFlowRun(server, flowId, { state: { type: "SCHEDULED", state_details: { scheduled_time: inOneHour() } } });
    const early = await setState(server, run.id, { type: "RUNNING" });
    expect(early.status).toBe(200);
    expect(early.body).toMatchObject({ status: "WAIT", details: { type: "wait_details", reason: "Scheduled time is in the future" }, state: { id: run.state.id } });
    expect(early.body.details.delay_seconds).toBeGreaterThanOrEqual(3598);
    expect(early.body.details.delay_seconds).toBeLessThanOrEqual(3600);
    expect((await setState(server, run.id, { type: "PENDING" })).body.status).toBe("ACCEPT");
    expect((await setState(server, run.id, { type: "RUNNING" })).body.status).toBe("WAIT");
  });

  it.skipIf(!available)(`allows PENDING → COMPLETED, forced SCHEDULED → COMPLETED and COMPLETED → RUNNING ${skipReason}`, async () => {
    const a = await createFlowRun(server, flowId);
    await setState(server, a.id, { type: "PENDING" });
    expect((await setState(server, a.id, { type: "COMPLETED" })).body.status).toBe("ACCEPT");
    const b = await createFlowRun(server, flowId, { state: { type: "SCHEDULED", state_details: { scheduled_time: inOneHour() } } });
    expect((await setState(server, b.id, { type: "COMPLETED" }, true)).body.status).toBe("ACCEPT");
    expect((await setState(server, b.id, { type: "RUNNING" })).body.status).toBe("ACCEPT");
  });

  it.skipIf(!available)(`force bypasses the rules: a forced PENDING → PENDING is accepted ${skipReason}`, async () => {
    const run = await createFlowRun(server, flowId);
    await setState(server, run.id, { type: "PENDING" });
    expect((await setState(server, run.id, { type: "PENDING" }, true)).body.status).toBe("ACCEPT");
  });

  it.skipIf(!available)(`rejects a repeated transition id and returns the state already reached (200) ${skipReason}`, async () => {
    const run = await createFlowRun(server, flowId);
    const transition_id = randomUUID();
    const first = await setState(server, run.id, { type: "PENDING", state_details: { transition_id } });
    await new Promise((resolve) => setTimeout(resolve, 5));
    const retried = await setState(server, run.id, { type: "PENDING", state_details: { transition_id } });
    expect(retried).toEqual({
      status: 200,
      body: { status: "REJECT", details: { type: "reject_details", reason: "This run has already made this state transition." }, state: first.body.state },
    });
  });

  it.skipIf(!available)(`stamps states with the server's clock, ignoring a client timestamp ${skipReason}`, async () => {
    const run = await createFlowRun(server, flowId);
    const r = await setState(server, run.id, { type: "PENDING", timestamp: "2001-01-01T00:00:00Z" });
    expect(r.body.state.timestamp > run.state.timestamp).toBe(true);
    expect(r.body.state.timestamp.startsWith("2001")).toBe(false);
  });

  it.skipIf(!available)(`keeps Prefect's bookkeeping through a whole run ${skipReason}`, async () => {
    const run = await createFlowRun(server, flowId);
    await setState(server, run.id, { type: "PENDING" });
    const running = (await setState(server, run.id, { type: "RUNNING" })).body.state;
    await new Promise((resolve) => setTimeout(resolve, 20));
    const failed = (await setState(server, run.id, { type: "FAILED", message: "boom" })).body.state;
    const again = (await setState(server, run.id, { type: "RUNNING" }, true)).body.state;
    const done = (await setState(server, run.id, { type: "COMPLETED" })).body.state;
    const stored = (await server.request("GET", `/flow_runs/${run.id}`)).body;
    expect(stored).toMatchObject({
      run_count: 2,
      start_time: running.timestamp,
      end_time: done.timestamp,
      expected_start_time: run.expected_start_time,
      next_scheduled_start_time: null,
      state_type: "COMPLETED",
    });
    const expectedRunTime = (Date.parse(failed.timestamp) - Date.parse(running.timestamp) + Date.parse(done.timestamp) - Date.parse(again.timestamp)) / 1000;
    expect(stored.total_run_time).toBeCloseTo(expectedRunTime, 2);
    expect(stored.total_run_time).toBeGreaterThan(0);
    const history = (await server.request("GET", `/flow_run_states/?flow_run_id=${run.id}`)).body;
    expect(history.map((s: { type: string }) => s.type)).toEqual(["SCHEDULED", "PENDING", "RUNNING", "FAILED", "RUNNING", "COMPLETED"]);
    expect(history.map((s: { timestamp: string }) => s.timestamp)).toEqual([...history.map((s: { timestamp: string }) => s.timestamp)].sort());
    expect(history.at(-1)).toEqual(done);
  });

  it.skipIf(!available)(`answers 404 for an unknown run and 422 for a bad state or id ${skipReason}`, async () => {
    expect(await setState(server, MISSING, { type: "PENDING" })).toEqual({ status: 404, body: { detail: `Flow run with id ${MISSING} not found` } });
    const run = await createFlowRun(server, flowId);
    const badType = await setState(server, run.id, { type: "SLEEPING" });
    expect(badType.status).toBe(422);
    expect(badType.body).toMatchObject({ exception_message: "Invalid request received." });
    expect(badType.body.detail[0].loc).toEqual(["body", "state", "type"]);
    const noState = await server.request("POST", `/flow_runs/${run.id}/set_state`, { force: true });
    expect(noState.status).toBe(422);
    expect(noState.body.detail[0].loc).toEqual(["body", "state"]);
    const badDetails = await setState(server, run.id, { type: "PENDING", state_details: { scheduled_time: "soon" } });
    expect(badDetails.status).toBe(422);
    expect(badDetails.body.detail[0].loc).toEqual(["body", "state", "state_details", "scheduled_time"]);
    expect((await setState(server, "run-1", { type: "PENDING" })).status).toBe(422);
    expect((await server.request("GET", `/flow_runs/${run.id}`)).body.state_type).toBe("SCHEDULED");
  });

  describe("task runs", () => {
    it.skipIf(!available)(`orchestrate task-run transitions and track the flow run attempt ${skipReason}`, async () => {
      const run = await createFlowRun(server, flowId);
      await setState(server, run.id, { type: "RUNNING" }, true);
      const task = (await server.request("POST", "/task_runs/", { flow_run_id: run.id, task_key: "extract", dynamic_key: "0" })).body;
      expect(task.state_type).toBe("PENDING");
      const running = await setState(server, task.id, { type: "RUNNING" }, undefined, "task_runs");
      expect(running.status).toBe(201);
      expect(running.body.state.state_details).toMatchObject({ flow_run_id: run.id, task_run_id: task.id });
      // Task runs are not claimed: PENDING again is fine for them.
      expect((await setState(server, task.id, { type: "COMPLETED" }, undefined, "task_runs")).body.status).toBe("ACCEPT");
      const stored = (await server.request("GET", `/task_runs/${task.id}`)).body;
      expect(stored).toMatchObject({ state_type: "COMPLETED", run_count: 1, flow_run_run_count: 1, start_time: running.body.state.timestamp });
      const history = (await server.request("GET", `/task_run_states/?task_run_id=${task.id}`)).body;
      expect(history.map((s: { type: string }) => s.type)).toEqual(["PENDING", "RUNNING", "COMPLETED"]);
    });

    it.skipIf(!available)(`make a task wait for its scheduled time ${skipReason}`, async () => {
      const task = (await server.request("POST", "/task_runs/", { task_key: "later", dynamic_key: "0", state: { type: "SCHEDULED", state_details: { scheduled_time: inOneHour() } } })).body;
      const r = await setState(server, task.id, { type: "RUNNING" }, undefined, "task_runs");
      expect(r.body.status).toBe("WAIT");
    });

    it.skipIf(!available)(`answer 404 for an unknown task run ${skipReason}`, async () => {
      expect(await setState(server, MISSING, { type: "RUNNING" }, undefined, "task_runs")).toEqual({ status: 404, body: { detail: `Task run with id ${MISSING} not found` } });
    });
  });
});
