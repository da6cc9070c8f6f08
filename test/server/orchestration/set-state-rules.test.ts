import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFlow, createFlowRun, setState } from "../../support/api-fixtures.js";
import { ENGINES } from "../../support/test-database.js";
import { startTestServer, type TestServer } from "../../support/test-server.js";

/** The orchestration rules end to end over HTTP: what is written, on both engines. */
describe.each(ENGINES)("set_state rules on $engine", ({ engine, available, skipReason }) => {
  let server: TestServer;
  let flowId: string;
  beforeAll(async () => {
    if (!available) return;
    server = await startTestServer(engine);
    flowId = await createFlow(server, "rules");
  });
  afterAll(async () => server?.close());

  const deployment = async (body: Record<string, unknown>) => {
    const r = await server.request("POST", "/deployments/", { flow_id: flowId, name: `d-${Math.random().toString(36).slice(2)}`, ...body });
    expect(r.status).toBe(201);
    return r.body.id as string;
  };
  const readRun = async (id: string) => (await server.request("GET", `/flow_runs/${id}`)).body;

  it.skipIf(!available)(`retries a failed flow run as AwaitingRetry until its retries are used, counting attempts ${skipReason}`, async () => {
    const run = await createFlowRun(server, flowId, { empirical_policy: { retries: 1, retry_delay: 0 } });
    await setState(server, run.id, { type: "PENDING" });
    await setState(server, run.id, { type: "RUNNING" });
    const first = await setState(server, run.id, { type: "FAILED", message: "boom" });
    expect(first.body).toMatchObject({ status: "REJECT", details: { reason: "Retrying" }, state: { type: "SCHEDULED", name: "AwaitingRetry", message: "boom" } });
    expect(await readRun(run.id)).toMatchObject({ run_count: 1, state_name: "AwaitingRetry", end_time: null });
    await setState(server, run.id, { type: "PENDING" });
    await setState(server, run.id, { type: "RUNNING" });
    const second = await setState(server, run.id, { type: "FAILED" });
    expect(second.body).toMatchObject({ status: "ACCEPT", state: { type: "FAILED" } });
    const stored = await readRun(run.id);
    expect(stored).toMatchObject({ run_count: 2, state_type: "FAILED" });
    expect(stored.end_time).not.toBeNull();
    const history = (await server.request("GET", `/flow_run_states/?flow_run_id=${run.id}`)).body.map((s: { name: string }) => s.name);
    expect(history).toEqual(["Scheduled", "Pending", "Running", "AwaitingRetry", "Pending", "Running", "Failed"]);
  });

  it.skipIf(!available)(`retries a failed task run with the delay of its policy ${skipReason}`, async () => {
    const created = await server.request("POST", "/task_runs/", { task_key: "t", dynamic_key: "0", empirical_policy: { retries: 1, retry_delay: 30 } });
    expect(created.status).toBe(201);
    const id = created.body.id;
    await setState(server, id, { type: "RUNNING" }, undefined, "task_runs");
    const before = Date.now();
    const failed = await setState(server, id, { type: "FAILED" }, undefined, "task_runs");
    expect(failed.body).toMatchObject({ status: "REJECT", state: { type: "SCHEDULED", name: "AwaitingRetry" } });
    expect(Date.parse(failed.body.state.state_details.scheduled_time)).toBeGreaterThanOrEqual(before + 29_000);
  });

  it.skipIf(!available)(`starts a new attempt from a finished run with run_count 0, counting 1 on RUNNING ${skipReason}`, async () => {
    const run = await createFlowRun(server, flowId);
    await setState(server, run.id, { type: "PENDING" });
    await setState(server, run.id, { type: "RUNNING" });
    await setState(server, run.id, { type: "CRASHED" });
    expect((await setState(server, run.id, { type: "CANCELLING" })).body.status).toBe("ABORT");
    expect((await setState(server, run.id, { type: "SCHEDULED" })).body.status).toBe("ACCEPT");
    expect(await readRun(run.id)).toMatchObject({ run_count: 0, end_time: null, state_type: "SCHEDULED" });
    await setState(server, run.id, { type: "PENDING" });
    await setState(server, run.id, { type: "RUNNING" });
    expect(await readRun(run.id)).toMatchObject({ run_count: 1, state_type: "RUNNING" });
  });

  it.skipIf(!available)(`cancels a scheduled run without infrastructure directly; a cancelling run only becomes CANCELLED ${skipReason}`, async () => {
    const idle = await createFlowRun(server, flowId);
    const direct = await setState(server, idle.id, { type: "CANCELLING" });
    expect(direct.body).toMatchObject({ status: "REJECT", state: { type: "CANCELLED", message: "Scheduled flow run has no infrastructure running." } });

    const launched = await createFlowRun(server, flowId);
    await setState(server, launched.id, { type: "PENDING" });
    await server.request("PATCH", `/flow_runs/${launched.id}`, { infrastructure_pid: "task-1" });
    await setState(server, launched.id, { type: "RUNNING" });
    expect((await setState(server, launched.id, { type: "CANCELLING" })).body.status).toBe("ACCEPT");
    const late = await setState(server, launched.id, { type: "COMPLETED" });
    expect(late.body).toMatchObject({ status: "REJECT", state: { type: "CANCELLING" } });
    expect((await setState(server, launched.id, { type: "CANCELLED" })).body.status).toBe("ACCEPT");
  });

  it.skipIf(!available)(`enqueues claims beyond a deployment's concurrency limit as AwaitingConcurrencySlot, releasing on finish ${skipReason}`, async () => {
    const deploymentId = await deployment({ concurrency_limit: 1 });
    const a = await createFlowRun(server, flowId, { deployment_id: deploymentId });
    const b = await createFlowRun(server, flowId, { deployment_id: deploymentId });
    expect((await setState(server, a.id, { type: "PENDING" })).body.status).toBe("ACCEPT");
    const before = Date.now();
    const queued = await setState(server, b.id, { type: "PENDING" });
    expect(queued.body).toMatchObject({ status: "REJECT", details: { reason: "Deployment concurrency limit reached." }, state: { type: "SCHEDULED", name: "AwaitingConcurrencySlot" } });
    expect(Date.parse(queued.body.state.state_details.scheduled_time)).toBeGreaterThanOrEqual(before + 29_000);
    await setState(server, a.id, { type: "RUNNING" });
    expect((await setState(server, b.id, { type: "PENDING" })).body.status).toBe("REJECT");
    await setState(server, a.id, { type: "COMPLETED" });
    expect((await setState(server, b.id, { type: "PENDING" })).body.status).toBe("ACCEPT");
  });

  it.skipIf(!available)(`cancels claims beyond the limit with CANCEL_NEW ${skipReason}`, async () => {
    const deploymentId = await deployment({ concurrency_limit: 1, concurrency_options: { collision_strategy: "CANCEL_NEW" } });
    const a = await createFlowRun(server, flowId, { deployment_id: deploymentId });
    const b = await createFlowRun(server, flowId, { deployment_id: deploymentId });
    await setState(server, a.id, { type: "PENDING" });
    const cancelled = await setState(server, b.id, { type: "PENDING" });
    expect(cancelled.body).toMatchObject({ status: "REJECT", state: { type: "CANCELLED", message: "Deployment concurrency limit reached." } });
  });

  it.skipIf(!available)(`never exceeds a deployment's limit under racing claims of many runs ${skipReason}`, async () => {
    const deploymentId = await deployment({ concurrency_limit: 3 });
    const runs = await Promise.all(Array.from({ length: 20 }, () => createFlowRun(server, flowId, { deployment_id: deploymentId })));
    const results = await Promise.all(runs.map((run) => setState(server, run.id, { type: "PENDING" })));
    expect(results.filter((r) => r.body.status === "ACCEPT")).toHaveLength(3);
    expect(results.filter((r) => r.body.state.name === "AwaitingConcurrencySlot")).toHaveLength(17);
    const pending = await server.request("POST", "/flow_runs/count", { flow_runs: { deployment_id: { any_: [deploymentId] }, state: { type: { any_: ["PENDING"] } } } });
    expect(pending.body).toBe(3);
  });

  it.skipIf(!available)(`force bypasses the rules ${skipReason}`, async () => {
    const run = await createFlowRun(server, flowId);
    await setState(server, run.id, { type: "PENDING" });
    await setState(server, run.id, { type: "RUNNING" });
    await setState(server, run.id, { type: "CANCELLING" });
    expect((await setState(server, run.id, { type: "RUNNING" }, true)).body.status).toBe("ACCEPT");
  });
});
