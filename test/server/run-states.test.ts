import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFlow, createFlowRun, setState } from "../support/api-fixtures.js";
import { ENGINES } from "../support/test-database.js";
import { startTestServer, type TestServer } from "../support/test-server.js";

const MISSING = "00000000-0000-4000-8000-000000000000";

describe.each(ENGINES)("state history API on $engine", ({ engine, available, skipReason }) => {
  let server: TestServer;
  beforeAll(async () => {
    if (available) server = await startTestServer(engine);
  });
  afterAll(async () => server?.close());

  it.skipIf(!available)(`lists a flow run's states oldest first and reads one by id ${skipReason}`, async () => {
    const run = await createFlowRun(server, await createFlow(server));
    const pending = (await setState(server, run.id, { type: "PENDING", message: "claimed", data: { worker: "w1" } })).body.state;
    const list = await server.request("GET", `/flow_run_states/?flow_run_id=${run.id}`);
    expect(list.status).toBe(200);
    expect(list.body).toEqual([run.state, pending]);
    expect(list.body[1].data).toEqual({ worker: "w1" });
    expect((await server.request("GET", `/flow_run_states/${pending.id}`)).body).toEqual(pending);
    expect(await server.request("GET", `/flow_run_states/${MISSING}`)).toEqual({ status: 404, body: { detail: "Flow run state not found" } });
    expect((await server.request("GET", `/flow_run_states/?flow_run_id=${MISSING}`)).body).toEqual([]);
  });

  it.skipIf(!available)(`lists a task run's states and reads one by id ${skipReason}`, async () => {
    const task = (await server.request("POST", "/task_runs/", { task_key: "k", dynamic_key: "0" })).body;
    const running = (await setState(server, task.id, { type: "RUNNING" }, undefined, "task_runs")).body.state;
    expect((await server.request("GET", `/task_run_states/?task_run_id=${task.id}`)).body).toEqual([task.state, running]);
    expect((await server.request("GET", `/task_run_states/${running.id}`)).body).toEqual(running);
    expect((await server.request("GET", `/task_run_states/${MISSING}`)).status).toBe(404);
  });

  it.skipIf(!available)(`requires a valid run id in the query (422 naming it) ${skipReason}`, async () => {
    const missing = await server.request("GET", "/flow_run_states/");
    expect(missing.status).toBe(422);
    expect(missing.body.detail[0].loc).toEqual(["query", "flow_run_id"]);
    const bad = await server.request("GET", "/task_run_states/?task_run_id=abc");
    expect(bad.status).toBe(422);
    expect(bad.body.detail[0].loc).toEqual(["query", "task_run_id"]);
  });
});
