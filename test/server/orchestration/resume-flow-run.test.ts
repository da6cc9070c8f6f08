import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectResponseMatches, openApiAvailable } from "../../support/openapi-contract.js";
import { ENGINES } from "../../support/test-database.js";
import { startTestServer, type TestServer } from "../../support/test-server.js";
import { createFlow, createFlowRun, setState } from "../../support/api-fixtures.js";

// POST /flow_runs/{id}/resume with the pause rules (HandleResumingPausedFlows).

describe.each(ENGINES)("resume on $engine", ({ engine, available, skipReason }) => {
  let server: TestServer;
  let flowId: string;

  beforeAll(async () => {
    if (!available) return;
    server = await startTestServer(engine);
    flowId = await createFlow(server);
  });
  afterAll(async () => server?.close());

  const paused = async (details: Record<string, unknown> = {}) => {
    const run = await createFlowRun(server, flowId);
    await setState(server, run.id, { type: "PENDING" });
    expect((await setState(server, run.id, { type: "RUNNING" })).body.status).toBe("ACCEPT");
    const pause = await setState(server, run.id, { type: "PAUSED", state_details: details });
    expect(pause.body.status).toBe("ACCEPT");
    return run.id as string;
  };
  const resume = (id: string, body: unknown = {}) => server.request("POST", `/flow_runs/${id}/resume`, body);

  it.skipIf(!available)(`resumes a paused run to RUNNING within the same attempt ${skipReason}`, async () => {
    const id = await paused({ pause_timeout: new Date(Date.now() + 3_600_000).toISOString() });
    const result = await resume(id);
    expect(result.status).toBe(201);
    if (openApiAvailable) expectResponseMatches("POST", `/flow_runs/${id}/resume`, 200, result.body);
    expect(result.body).toMatchObject({ status: "ACCEPT", state: { type: "RUNNING" } });
    const run = (await server.request("GET", `/flow_runs/${id}`)).body;
    expect(run.state.type).toBe("RUNNING");
    expect(run.run_count).toBe(1);
    expect(run.empirical_policy.resuming).toBe(false);
    // The flag does not outlive the resume: a run that ends and runs again counts its new attempt.
    await setState(server, id, { type: "PAUSED" });
    expect((await setState(server, id, { type: "COMPLETED" })).body.status).toBe("ACCEPT");
    expect((await setState(server, id, { type: "RUNNING" })).body.status).toBe("ACCEPT");
    expect((await server.request("GET", `/flow_runs/${id}`)).body.run_count).toBe(1);
  });

  it.skipIf(!available)(`resumes a rescheduled pause through SCHEDULED, and its next RUNNING is the same attempt ${skipReason}`, async () => {
    await server.request("POST", "/work_pools/", { name: "resume-pool", type: "process" });
    const dep = (await server.request("POST", "/deployments/", { name: "resume-dep", flow_id: flowId, work_pool_name: "resume-pool" })).body;
    const run = (await server.request("POST", `/deployments/${dep.id}/create_flow_run`, {})).body;
    await setState(server, run.id, { type: "PENDING" });
    await setState(server, run.id, { type: "RUNNING" });
    expect((await setState(server, run.id, { type: "PAUSED", state_details: { pause_reschedule: true } })).body.status).toBe("ACCEPT");
    const result = await resume(run.id);
    expect(result.body).toMatchObject({ status: "ACCEPT", state: { type: "SCHEDULED", name: "Resuming" } });
    expect((await server.request("GET", `/flow_runs/${run.id}`)).body.empirical_policy.resuming).toBe(true);
    expect((await setState(server, run.id, { type: "PENDING" })).body.status).toBe("ACCEPT");
    expect((await setState(server, run.id, { type: "RUNNING" })).body.status).toBe("ACCEPT");
    const after = (await server.request("GET", `/flow_runs/${run.id}`)).body;
    expect(after.run_count).toBe(1);
    expect(after.empirical_policy.resuming).toBe(false);
  });

  it.skipIf(!available)(`aborts the resume of a run that is not paused, writing nothing ${skipReason}`, async () => {
    const run = await createFlowRun(server, flowId);
    const result = await resume(run.id);
    expect(result.status).toBe(200);
    expect(result.body).toEqual({ state: null, status: "ABORT", details: { type: "abort_details", reason: "Cannot resume a flow run that is not paused." } });
    expect((await server.request("GET", `/flow_runs/${run.id}`)).body.state.type).toBe("SCHEDULED");
    expect((await resume("00000000-0000-0000-0000-000000000000")).status).toBe(404);
  });

  it.skipIf(!available)(`fails a run whose pause timed out ${skipReason}`, async () => {
    const id = await paused({ pause_timeout: new Date(Date.now() - 1000).toISOString() });
    const result = await resume(id);
    expect(result.body).toMatchObject({ status: "REJECT", state: { type: "FAILED", message: "The flow was paused and never resumed." } });
  });

  it.skipIf(!available)(`rejects rescheduling a paused run without a deployment, and a pause waiting for input ${skipReason}`, async () => {
    const id = await paused({ pause_reschedule: false, run_input_keyset: { schema: "s", response: "r" } });
    const withInput = await resume(id, { run_input: { x: 1 } });
    expect(withInput.body).toMatchObject({ status: "REJECT", state: { type: "PAUSED" } });
    const bad = await resume(id, { run_input: "x" });
    expect(bad.status).toBe(422);
    expect(bad.body.detail[0].loc).toEqual(["body", "run_input"]);
    expect((await server.request("GET", `/flow_runs/${id}`)).body.state.type).toBe("PAUSED");
  });

  it.skipIf(!available)(`resumes a pause waiting for input only with input matching the flow's schema, storing it with the state ${skipReason}`, async () => {
    const keyset = { schema: "paused-1-schema", response: "paused-1-response" };
    const id = await paused({ run_input_keyset: keyset });
    const schema = { title: "Approval", type: "object", properties: { approved: { type: "boolean", position: 0 } }, required: ["approved"] };
    expect((await server.request("POST", `/flow_runs/${id}/input`, { key: keyset.schema, value: JSON.stringify(schema) })).status).toBe(201);
    const responses = async () => (await server.request("POST", `/flow_runs/${id}/input/filter`, { prefix: keyset.response, limit: 5 })).body;

    const wrong = await resume(id, { run_input: { approved: "yes" } });
    expect(wrong.body).toMatchObject({ status: "REJECT", state: { type: "PAUSED" } });
    expect(wrong.body.details.reason).toMatch(/^Reason: approved /);
    expect((await resume(id, {})).body.status).toBe("REJECT");
    expect(await responses()).toEqual([]);

    const results = await Promise.all(Array.from({ length: 4 }, () => resume(id, { run_input: { approved: true } })));
    expect(results.map((r) => r.body.status).sort()).toEqual(["ABORT", "ABORT", "ABORT", "ACCEPT"]);
    const stored = await responses();
    expect(stored.map((i: { key: string; value: string }) => [i.key, i.value])).toEqual([[keyset.response, '{"approved":true}']]);
    const run = (await server.request("GET", `/flow_runs/${id}`)).body;
    expect([run.state.type, run.run_count]).toEqual(["RUNNING", 1]);
  });

  it.skipIf(!available)(`rejects a resume when the stored input schema is not JSON ${skipReason}`, async () => {
    const id = await paused({ run_input_keyset: { schema: "bad-schema", response: "bad-response" } });
    await server.request("POST", `/flow_runs/${id}/input`, { key: "bad-schema", value: "{not json" });
    const result = await resume(id, { run_input: {} });
    expect(result.body).toMatchObject({ status: "REJECT", details: { reason: "Run input schema is not valid JSON." } });
    expect((await server.request("GET", `/flow_runs/${id}`)).body.state.type).toBe("PAUSED");
  });

  it.skipIf(!available)(`lets exactly one of 4 racing resumes through ${skipReason}`, async () => {
    const id = await paused();
    const results = await Promise.all(Array.from({ length: 4 }, () => resume(id)));
    expect(results.map((r) => r.body.status).sort()).toEqual(["ABORT", "ABORT", "ABORT", "ACCEPT"]);
  });
});
