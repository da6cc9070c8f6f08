import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFlow, createFlowRun, insertWorkPool, setState } from "../support/api-fixtures.js";
import { ENGINES } from "../support/test-database.js";
import { startTestServer, type TestServer } from "../support/test-server.js";

const MISSING = "00000000-0000-4000-8000-000000000000";
const inOneHour = () => new Date(Date.now() + 3600_000).toISOString();

describe.each(ENGINES)("flow runs API on $engine", ({ engine, available, skipReason }) => {
  let server: TestServer;
  let flowId: string;
  beforeAll(async () => {
    if (!available) return;
    server = await startTestServer(engine);
    flowId = await createFlow(server, "runs-flow");
    await insertWorkPool(server.database.db, "run-pool", ["default", "fast"]);
  });
  afterAll(async () => server?.close());

  it.skipIf(!available)(`creates a PENDING run by default with Prefect's fields (201) ${skipReason}`, async () => {
    const r = await server.request("POST", "/flow_runs/", { flow_id: flowId, parameters: { x: 1 }, tags: ["t"], flow_version: "1.2", labels: { mine: true } });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({
      flow_id: flowId,
      state_type: "PENDING",
      state_name: "Pending",
      parameters: { x: 1 },
      tags: ["t"],
      flow_version: "1.2",
      run_count: 0,
      labels: { "prefect.flow.id": flowId, mine: true },
      empirical_policy: { retries: null, resuming: false },
      work_pool_name: null,
    });
    expect(r.body.name).toMatch(/^[a-z]+-[a-z]+$/);
    expect(r.body.state).toMatchObject({ type: "PENDING", name: "Pending", state_details: { flow_run_id: r.body.id } });
    expect(r.body.state_id).toBe(r.body.state.id);
    expect(r.body.expected_start_time).toBe(r.body.state.timestamp);
  });

  it.skipIf(!available)(`takes the start times of a SCHEDULED first state from its scheduled time ${skipReason}`, async () => {
    const at = inOneHour();
    const run = await createFlowRun(server, flowId, { state: { type: "SCHEDULED", state_details: { scheduled_time: at } } });
    const expected = at.replace(/\.(\d{3})Z$/, ".$1000Z");
    expect(run).toMatchObject({ state_type: "SCHEDULED", expected_start_time: expected, next_scheduled_start_time: expected });
    expect(run.estimated_start_time_delta).toBe(0);
  });

  it.skipIf(!available)(`returns the existing run for a repeated idempotency key (200) ${skipReason}`, async () => {
    const first = await server.request("POST", "/flow_runs/", { flow_id: flowId, idempotency_key: "same" });
    const second = await server.request("POST", "/flow_runs/", { flow_id: flowId, idempotency_key: "same", name: "other" });
    expect([first.status, second.status]).toEqual([201, 200]);
    expect(second.body.id).toBe(first.body.id);
    const otherFlow = await createFlow(server, "other-idempotent");
    expect((await server.request("POST", "/flow_runs/", { flow_id: otherFlow, idempotency_key: "same" })).status).toBe(201);
  });

  it.skipIf(!available)(`creates exactly one run when the same idempotency key races ${skipReason}`, async () => {
    const results = await Promise.all(Array.from({ length: 8 }, () => server.request("POST", "/flow_runs/", { flow_id: flowId, idempotency_key: "raced" })));
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(new Set(results.map((r) => r.body.id)).size).toBe(1);
  });

  it.skipIf(!available)(`routes a run to a pool's queue, 404 for a missing pool or queue ${skipReason}`, async () => {
    const routed = await server.request("POST", "/flow_runs/", { flow_id: flowId, work_pool_name: "run-pool", work_queue_name: "fast" });
    expect(routed.body).toMatchObject({ work_pool_name: "run-pool", work_queue_name: "fast" });
    expect(routed.body.work_pool_id).not.toBeNull();
    const byDefault = await server.request("POST", "/flow_runs/", { flow_id: flowId, work_pool_name: "run-pool" });
    expect(byDefault.body.work_queue_name).toBe("default");
    expect(await server.request("POST", "/flow_runs/", { flow_id: flowId, work_pool_name: "ghost" })).toEqual({ status: 404, body: { detail: 'Work pool "ghost" not found.' } });
    expect(await server.request("POST", "/flow_runs/", { flow_id: flowId, work_pool_name: "run-pool", work_queue_name: "ghost" })).toEqual({
      status: 404,
      body: { detail: "Work pool queue 'run-pool/ghost' not found." },
    });
  });

  it.skipIf(!available)(`refuses an unknown flow (409) and ill-typed bodies (422) ${skipReason}`, async () => {
    const unknown = await server.request("POST", "/flow_runs/", { flow_id: MISSING });
    expect(unknown.status).toBe(409);
    const noFlow = await server.request("POST", "/flow_runs/", { parameters: {} });
    expect(noFlow.status).toBe(422);
    expect(noFlow.body.detail[0].loc).toEqual(["body", "flow_id"]);
    const badParams = await server.request("POST", "/flow_runs/", { flow_id: flowId, parameters: [1, 2] });
    expect(badParams.status).toBe(422);
    expect(badParams.body.detail[0].loc).toEqual(["body", "parameters"]);
  });

  it.skipIf(!available)(`reads a run, 404 when unknown ${skipReason}`, async () => {
    const run = await createFlowRun(server, flowId);
    expect((await server.request("GET", `/flow_runs/${run.id}`)).body).toMatchObject({ id: run.id, state_type: "SCHEDULED" });
    expect(await server.request("GET", `/flow_runs/${MISSING}`)).toEqual({ status: 404, body: { detail: "Flow run not found" } });
  });

  it.skipIf(!available)(`patches a run's fields (204) ${skipReason}`, async () => {
    const run = await createFlowRun(server, flowId);
    expect((await server.request("PATCH", `/flow_runs/${run.id}`, { name: "renamed", tags: ["new"], infrastructure_pid: "task/abc", flow_version: "9" })).status).toBe(204);
    expect((await server.request("GET", `/flow_runs/${run.id}`)).body).toMatchObject({ name: "renamed", tags: ["new"], infrastructure_pid: "task/abc", flow_version: "9" });
    expect((await server.request("PATCH", `/flow_runs/${MISSING}`, { name: "x" })).status).toBe(404);
    const badTags = await server.request("PATCH", `/flow_runs/${run.id}`, { tags: "new" });
    expect(badTags.status).toBe(422);
    expect(badTags.body.detail[0].loc).toEqual(["body", "tags"]);
    const badPolicy = await server.request("PATCH", `/flow_runs/${run.id}`, { empirical_policy: { retries: "many" } });
    expect(badPolicy.body.detail[0].loc).toEqual(["body", "empirical_policy", "retries"]);
  });

  it.skipIf(!available)(`changes job variables only of a SCHEDULED run of a deployment (422 otherwise) ${skipReason}`, async () => {
    const deployment = await server.request("POST", "/deployments/", { flow_id: flowId, name: "jv", job_variables: { cpu: 1 } });
    const run = (await server.request("POST", `/deployments/${deployment.body.id}/create_flow_run`, {})).body;
    expect((await server.request("PATCH", `/flow_runs/${run.id}`, { job_variables: { cpu: 2 } })).status).toBe(204);
    expect((await server.request("GET", `/flow_runs/${run.id}`)).body.job_variables).toEqual({ cpu: 2 });
    await setState(server, run.id, { type: "PENDING" });
    const claimed = await server.request("PATCH", `/flow_runs/${run.id}`, { job_variables: { cpu: 3 } });
    expect(claimed.status).toBe(422);
    expect(claimed.body.detail[0]).toMatchObject({ loc: ["body", "job_variables"], msg: "Job variables for a flow run in state PENDING cannot be updated" });
    const adhoc = await createFlowRun(server, flowId);
    const noDeployment = await server.request("PATCH", `/flow_runs/${adhoc.id}`, { job_variables: { cpu: 3 } });
    expect(noDeployment.status).toBe(422);
    expect((await server.request("PATCH", `/flow_runs/${MISSING}`, { job_variables: {} })).status).toBe(404);
  });

  it.skipIf(!available)(`merges labels (204), keeping concurrent merges, 404 for an unknown run ${skipReason}`, async () => {
    const run = await createFlowRun(server, flowId, { labels: { a: "1" } });
    await Promise.all(["b", "c", "d", "e"].map((k, i) => server.request("PATCH", `/flow_runs/${run.id}/labels`, { [k]: i })));
    expect((await server.request("PATCH", `/flow_runs/${run.id}/labels`, { a: "2" })).status).toBe(204);
    expect((await server.request("GET", `/flow_runs/${run.id}`)).body.labels).toEqual({ "prefect.flow.id": flowId, a: "2", b: 0, c: 1, d: 2, e: 3 });
    expect(await server.request("PATCH", `/flow_runs/${MISSING}/labels`, { a: "1" })).toEqual({ status: 404, body: { detail: `Flow run with id ${MISSING} not found` } });
    expect((await server.request("PATCH", `/flow_runs/${run.id}/labels`, { a: null })).status).toBe(422);
  });

  it.skipIf(!available)(`deletes a run with its history and logs (204), then 404 ${skipReason}`, async () => {
    const run = await createFlowRun(server, flowId);
    await server.request("POST", "/logs/", [{ name: "l", level: 20, message: "m", timestamp: new Date().toISOString(), flow_run_id: run.id }]);
    expect((await server.request("DELETE", `/flow_runs/${run.id}`)).status).toBe(204);
    expect((await server.request("GET", `/flow_run_states/?flow_run_id=${run.id}`)).body).toEqual([]);
    expect((await server.request("POST", "/logs/filter", { logs: { flow_run_id: { any_: [run.id] } } })).body).toEqual([]);
    expect((await server.request("DELETE", `/flow_runs/${run.id}`)).status).toBe(404);
  });
});

describe.each(ENGINES)("flow run filters on $engine", ({ engine, available, skipReason }) => {
  let server: TestServer;
  const runs: Record<string, any> = {};
  let flowA: string;
  let flowB: string;
  let deploymentId: string;
  beforeAll(async () => {
    if (!available) return;
    server = await startTestServer(engine);
    flowA = await createFlow(server, "filter-a");
    flowB = await createFlow(server, "filter-b");
    await insertWorkPool(server.database.db, "pool-x", ["qx"]);
    await insertWorkPool(server.database.db, "pool-y", ["qy"]);
    deploymentId = (await server.request("POST", "/deployments/", { flow_id: flowA, name: "dep", work_pool_name: "pool-x" })).body.id;
    runs.scheduledLate = await createFlowRun(server, flowA, { name: "r1-late", tags: ["etl", "nightly"], state: { type: "SCHEDULED", state_details: { scheduled_time: "2030-01-01T00:00:00Z" } } });
    runs.scheduledSoon = await createFlowRun(server, flowA, { name: "r2-soon", tags: ["etl"], state: { type: "SCHEDULED", state_details: { scheduled_time: "2029-01-01T00:00:00Z" } } });
    runs.fromDeployment = (await server.request("POST", `/deployments/${deploymentId}/create_flow_run`, { name: "r3-deployed", idempotency_key: "key-3" })).body;
    runs.running = await createFlowRun(server, flowB, { name: "r4-running", flow_version: "v2", work_pool_name: "pool-y" });
    await setState(server, runs.running.id, { type: "RUNNING" }, true);
    runs.done = await createFlowRun(server, flowB, { name: "r5-done", tags: [] });
    await setState(server, runs.done.id, { type: "RUNNING" }, true);
    await setState(server, runs.done.id, { type: "COMPLETED" });
    const task = await server.request("POST", "/task_runs/", { flow_run_id: runs.done.id, task_key: "t", dynamic_key: "0" });
    runs.child = await createFlowRun(server, flowB, { name: "r6-child", parent_task_run_id: task.body.id, state: { type: "PENDING" } });
  });
  afterAll(async () => server?.close());

  const names = async (body: object) => {
    const r = await server.request("POST", "/flow_runs/filter", { sort: "NAME_ASC", ...body });
    expect(r.status).toBe(200);
    return r.body.map((run: { name: string }) => run.name);
  };

  const cases: { title: string; body: () => object; expected: string[] }[] = [
    { title: "id any_ and not_any_", body: () => ({ flow_runs: { id: { any_: [runs.done.id, runs.running.id], not_any_: [runs.done.id] } } }), expected: ["r4-running"] },
    { title: "name like_", body: () => ({ flow_runs: { name: { like_: "SOON" } } }), expected: ["r2-soon"] },
    { title: "tags all_", body: () => ({ flow_runs: { tags: { all_: ["etl", "nightly"] } } }), expected: ["r1-late"] },
    { title: "tags any_", body: () => ({ flow_runs: { tags: { any_: ["nightly", "etl"] } } }), expected: ["r1-late", "r2-soon"] },
    { title: "tags is_null_", body: () => ({ flow_runs: { tags: { is_null_: true }, flow_version: { any_: ["v2"] } } }), expected: ["r4-running"] },
    { title: "deployment_id any_", body: () => ({ flow_runs: { deployment_id: { any_: [deploymentId] } } }), expected: ["r3-deployed"] },
    { title: "deployment_id is_null_ false", body: () => ({ flow_runs: { deployment_id: { is_null_: false } } }), expected: ["r3-deployed"] },
    { title: "work_queue_name any_", body: () => ({ flow_runs: { work_queue_name: { any_: ["qy"] } } }), expected: ["r4-running"] },
    { title: "state type any_", body: () => ({ flow_runs: { state: { type: { any_: ["RUNNING", "COMPLETED"] } } } }), expected: ["r4-running", "r5-done"] },
    { title: "state type not_any_ and name", body: () => ({ flow_runs: { state: { type: { not_any_: ["SCHEDULED", "PENDING"] }, name: { any_: ["Completed"] } } } }), expected: ["r5-done"] },
    { title: "state with or_", body: () => ({ flow_runs: { state: { operator: "or_", type: { any_: ["RUNNING"] }, name: { any_: ["Completed"] } } } }), expected: ["r4-running", "r5-done"] },
    { title: "start_time is_null_ false", body: () => ({ flow_runs: { start_time: { is_null_: false } } }), expected: ["r4-running", "r5-done"] },
    { title: "end_time after_", body: () => ({ flow_runs: { end_time: { after_: "2000-01-01T00:00:00Z" } } }), expected: ["r5-done"] },
    { title: "expected_start_time after_", body: () => ({ flow_runs: { expected_start_time: { after_: "2028-06-01T00:00:00Z" } } }), expected: ["r1-late", "r2-soon"] },
    { title: "next_scheduled_start_time before_", body: () => ({ flow_runs: { next_scheduled_start_time: { before_: "2029-06-01T00:00:00+00:00" } } }), expected: ["r2-soon", "r3-deployed"] },
    { title: "parent_task_run_id is_null_ false", body: () => ({ flow_runs: { parent_task_run_id: { is_null_: false } } }), expected: ["r6-child"] },
    { title: "parent_flow_run_id any_", body: () => ({ flow_runs: { parent_flow_run_id: { any_: [runs.done.id] } } }), expected: ["r6-child"] },
    { title: "idempotency_key any_", body: () => ({ flow_runs: { idempotency_key: { any_: ["key-3"] } } }), expected: ["r3-deployed"] },
    { title: "operator or_ across criteria", body: () => ({ flow_runs: { operator: "or_", name: { any_: ["r1-late"] }, flow_version: { any_: ["v2"] } } }), expected: ["r1-late", "r4-running"] },
    { title: "flows", body: () => ({ flows: { name: { any_: ["filter-b"] } } }), expected: ["r4-running", "r5-done", "r6-child"] },
    { title: "deployments", body: () => ({ deployments: { name: { any_: ["dep"] } } }), expected: ["r3-deployed"] },
    { title: "work_pools by name", body: () => ({ work_pools: { name: { any_: ["pool-y"] } } }), expected: ["r4-running"] },
    { title: "work_pools by type", body: () => ({ work_pools: { type: { any_: ["process"] } } }), expected: ["r3-deployed", "r4-running"] },
    { title: "work_pool_queues by name", body: () => ({ work_pool_queues: { name: { any_: ["qx"] } } }), expected: ["r3-deployed"] },
    { title: "task_runs", body: () => ({ task_runs: { name: { like_: "" } } }), expected: ["r5-done"] },
    { title: "an empty any_ matches nothing", body: () => ({ flow_runs: { id: { any_: [] } } }), expected: [] },
  ];
  it.skipIf(!available).each(cases)(`filters by $title ${skipReason}`, async ({ body, expected }) => {
    expect(await names(body())).toEqual(expected);
    const count = await server.request("POST", "/flow_runs/count", body());
    expect(count.body).toBe(expected.length);
  });

  it.skipIf(!available)(`sorts by each of Prefect's orders and pages with limit and offset ${skipReason}`, async () => {
    expect(await names({ sort: "NAME_DESC", limit: 2 })).toEqual(["r6-child", "r5-done"]);
    expect(await names({ sort: "NAME_ASC", limit: 2, offset: 4 })).toEqual(["r5-done", "r6-child"]);
    expect((await names({ sort: "EXPECTED_START_TIME_DESC", limit: 2 }))).toEqual(["r1-late", "r2-soon"]);
    expect((await names({ sort: "NEXT_SCHEDULED_START_TIME_ASC", limit: 3 }))).toEqual(["r3-deployed", "r2-soon", "r1-late"]);
    expect((await names({ sort: "END_TIME_DESC" })).at(-1)).toBe("r5-done");
    const byId = await server.request("POST", "/flow_runs/filter", {});
    expect(byId.body[0].name).toBe("r6-child");
    for (const sort of ["START_TIME_ASC", "START_TIME_DESC", "EXPECTED_START_TIME_ASC", "ID_DESC"]) {
      expect(await names({ sort })).toHaveLength(6);
    }
  });

  it.skipIf(!available)(`refuses limits over 200, negative offsets and unknown sorts with 422 ${skipReason}`, async () => {
    expect(await server.request("POST", "/flow_runs/filter", { limit: 201 })).toEqual({ status: 422, body: { detail: "Invalid limit: must be less than or equal to 200." } });
    for (const [body, loc] of [
      [{ limit: 1.5 }, ["body", "limit"]],
      [{ offset: -1 }, ["body", "offset"]],
      [{ sort: "BY_MOOD" }, ["body", "sort"]],
      [{ flow_runs: { state: { type: { any_: ["SLEEPING"] } } } }, ["body", "flow_runs", "state", "type", "any_", 0]],
      [{ flow_runs: { id: { any_: ["nope"] } } }, ["body", "flow_runs", "id", "any_", 0]],
    ] as const) {
      const r = await server.request("POST", "/flow_runs/filter", body);
      expect(r.status).toBe(422);
      expect(r.body.detail.map((d: { loc: unknown }) => d.loc)).toContainEqual(loc);
    }
  });
});
