import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFlow, createFlowRun, setState } from "../support/api-fixtures.js";
import { ENGINES } from "../support/test-database.js";
import { startTestServer, type TestServer } from "../support/test-server.js";

const MISSING = "00000000-0000-4000-8000-000000000000";

describe.each(ENGINES)("task runs API on $engine", ({ engine, available, skipReason }) => {
  let server: TestServer;
  let flowId: string;
  let flowRunId: string;
  beforeAll(async () => {
    if (!available) return;
    server = await startTestServer(engine);
    flowId = await createFlow(server, "tasks-flow");
    flowRunId = (await createFlowRun(server, flowId, { labels: { team: "t" } })).id;
  });
  afterAll(async () => server?.close());

  const createTask = (body: Record<string, unknown>) => server.request("POST", "/task_runs/", { flow_run_id: flowRunId, dynamic_key: "0", ...body });

  it.skipIf(!available)(`creates a PENDING task run (201) and returns it again for the same key (200) ${skipReason}`, async () => {
    const first = await createTask({ task_key: "load", tags: ["io"], cache_key: "ck", task_inputs: { x: [{ input_type: "parameter", name: "x" }] } });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      flow_run_id: flowRunId,
      task_key: "load",
      dynamic_key: "0",
      state_type: "PENDING",
      tags: ["io"],
      cache_key: "ck",
      run_count: 0,
      flow_run_run_count: 0,
      labels: { team: "t", "prefect.flow.id": flowId, "prefect.flow-run.id": flowRunId },
      empirical_policy: { max_retries: 0, retries: null },
      task_inputs: { x: [{ input_type: "parameter", name: "x" }] },
    });
    expect(first.body.state.state_details).toMatchObject({ flow_run_id: flowRunId, task_run_id: first.body.id });
    const again = await createTask({ task_key: "load", tags: ["other"] });
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);
    expect(again.body.tags).toEqual(["io"]);
    expect((await createTask({ task_key: "load", dynamic_key: "1" })).status).toBe(201);
  });

  it.skipIf(!available)(`keeps a client-chosen id, refusing it for another key (409) ${skipReason}`, async () => {
    const id = randomUUID();
    const created = await createTask({ id, task_key: "chosen" });
    expect(created.body.id).toBe(id);
    const clash = await createTask({ id, task_key: "different" });
    expect(clash.status).toBe(409);
  });

  it.skipIf(!available)(`deduplicates task runs outside a flow run by key ${skipReason}`, async () => {
    const a = await server.request("POST", "/task_runs/", { task_key: "background", dynamic_key: "x", state: { type: "SCHEDULED" } });
    const b = await server.request("POST", "/task_runs/", { task_key: "background", dynamic_key: "x" });
    expect([a.status, b.status]).toEqual([201, 200]);
    expect(b.body.id).toBe(a.body.id);
    expect(a.body).toMatchObject({ flow_run_id: null, state_type: "SCHEDULED" });
  });

  it.skipIf(!available)(`refuses an unknown flow run (409) and bad bodies (422) ${skipReason}`, async () => {
    expect((await server.request("POST", "/task_runs/", { flow_run_id: MISSING, task_key: "k", dynamic_key: "0" })).status).toBe(409);
    const noKey = await server.request("POST", "/task_runs/", { flow_run_id: flowRunId, dynamic_key: "0" });
    expect(noKey.status).toBe(422);
    expect(noKey.body.detail[0].loc).toEqual(["body", "task_key"]);
  });

  it.skipIf(!available)(`reads a task run, 404 when unknown ${skipReason}`, async () => {
    const created = await createTask({ task_key: "readable" });
    // Everything but the lateness, which grows while the run waits.
    const { estimated_start_time_delta: _delta, ...rest } = created.body;
    expect((await server.request("GET", `/task_runs/${created.body.id}`)).body).toMatchObject(rest);
    expect(await server.request("GET", `/task_runs/${MISSING}`)).toEqual({ status: 404, body: { detail: "Task run not found" } });
  });

  it.skipIf(!available)(`filters, sorts and counts task runs ${skipReason}`, async () => {
    const otherRun = (await createFlowRun(server, flowId)).id;
    const t1 = (await server.request("POST", "/task_runs/", { flow_run_id: otherRun, task_key: "f-extract", dynamic_key: "0" })).body;
    const t2 = (await server.request("POST", "/task_runs/", { flow_run_id: otherRun, task_key: "f-transform", dynamic_key: "0", tags: ["heavy"] })).body;
    await setState(server, t2.id, { type: "RUNNING" }, undefined, "task_runs");
    const subflow = await createFlowRun(server, flowId, { parent_task_run_id: t1.id });
    expect(subflow.parent_task_run_id).toBe(t1.id);
    const ids = async (body: object) => (await server.request("POST", "/task_runs/filter", body)).body.map((t: { id: string }) => t.id);
    expect(await ids({ task_runs: { flow_run_id: { any_: [otherRun] } }, sort: "NAME_ASC" })).toEqual([t1, t2].sort((a, b) => a.name.localeCompare(b.name)).map((t) => t.id));
    expect(await ids({ task_runs: { flow_run_id: { any_: [otherRun] }, state: { type: { any_: ["RUNNING"] } } } })).toEqual([t2.id]);
    expect(await ids({ task_runs: { flow_run_id: { any_: [otherRun] }, tags: { all_: ["heavy"] } } })).toEqual([t2.id]);
    expect(await ids({ task_runs: { flow_run_id: { any_: [otherRun] }, subflow_runs: { exists_: true } } })).toEqual([t1.id]);
    expect(await ids({ flow_runs: { id: { any_: [otherRun] } } })).toEqual([t2.id, t1.id]);
    expect(await ids({ flows: { name: { any_: ["tasks-flow"] } }, task_runs: { name: { any_: [t1.name] } } })).toEqual([t1.id]);
    // Prefect: a flow_run_id criterion without any_ means "belongs to some flow run".
    const inFlowRuns = await server.request("POST", "/task_runs/count", { task_runs: { flow_run_id: {} } });
    const all = await server.request("POST", "/task_runs/count", {});
    const outside = await server.request("POST", "/task_runs/count", { task_runs: { flow_run_id: { is_null_: true } } });
    expect(inFlowRuns.body + outside.body).toBe(all.body);
    expect(outside.body).toBe(1);
    expect(await server.request("POST", "/task_runs/filter", { limit: 1000 })).toEqual({ status: 422, body: { detail: "Invalid limit: must be less than or equal to 200." } });
  });
});
