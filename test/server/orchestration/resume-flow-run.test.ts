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

  it.skipIf(!available)(`resumes a paused run to RUNNING ${skipReason}`, async () => {
    const id = await paused({ pause_timeout: new Date(Date.now() + 3_600_000).toISOString() });
    const result = await resume(id);
    expect(result.status).toBe(201);
    if (openApiAvailable) expectResponseMatches("POST", `/flow_runs/${id}/resume`, 200, result.body);
    expect(result.body).toMatchObject({ status: "ACCEPT", state: { type: "RUNNING" } });
    const run = (await server.request("GET", `/flow_runs/${id}`)).body;
    expect(run.state.type).toBe("RUNNING");
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

  it.skipIf(!available)(`lets exactly one of 4 racing resumes through ${skipReason}`, async () => {
    const id = await paused();
    const results = await Promise.all(Array.from({ length: 4 }, () => resume(id)));
    expect(results.map((r) => r.body.status).sort()).toEqual(["ABORT", "ABORT", "ABORT", "ACCEPT"]);
  });
});
