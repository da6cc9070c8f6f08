import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ENGINES } from "../support/test-database.js";
import { startTestServer, type TestServer } from "../support/test-server.js";

// Job variables are checked against the pool's variables schema when written, and a refusal
// changes nothing.
describe.each(ENGINES)("job variables against the pool's schema on $engine", ({ engine, available, skipReason }) => {
  let server: TestServer;
  let flowId: string;
  beforeAll(async () => {
    if (!available) return;
    server = await startTestServer(engine);
    await server.request("POST", "/work_pools/", { name: "ecs-pool", type: "ecs" });
    await server.request("POST", "/work_pools/", {
      name: "strict",
      type: "custom",
      base_job_template: {
        job_configuration: { image: "{{ image }}", cpu: "{{ cpu }}" },
        variables: { type: "object", properties: { image: { type: "string" }, cpu: { type: "integer" } }, required: ["image"] },
      },
    });
    flowId = (await server.request("POST", "/flows/", { name: "jv-flow" })).body.id;
  });
  afterAll(async () => server?.close());

  it.skipIf(!available)(`refuses a deployment whose job variable has the wrong type, naming it, and creates nothing ${skipReason}`, async () => {
    const r = await server.request("POST", "/deployments/", { name: "bad", flow_id: flowId, work_pool_name: "ecs-pool", job_variables: { cpu: "lots" } });
    expect(r.status).toBe(422);
    expect(r.body.detail[0].loc).toEqual(["body", "job_variables", "cpu"]);
    expect(r.body.detail[0].msg).toContain("ecs-pool");
    expect((await server.request("GET", "/deployments/name/jv-flow/bad")).status).toBe(404);
  });

  it.skipIf(!available)(`accepts a deployment without a required variable, but not a run that still lacks it ${skipReason}`, async () => {
    const dep = await server.request("POST", "/deployments/", { name: "partial", flow_id: flowId, work_pool_name: "strict", job_variables: { cpu: 2 } });
    expect(dep.status).toBe(201);
    const missing = await server.request("POST", `/deployments/${dep.body.id}/create_flow_run`, {});
    expect(missing.status).toBe(422);
    expect(JSON.stringify(missing.body.detail)).toContain("image");
    const before = (await server.request("POST", "/flow_runs/count", {})).body;
    const ok = await server.request("POST", `/deployments/${dep.body.id}/create_flow_run`, { job_variables: { image: "busybox" } });
    expect(ok.status).toBe(201);
    expect(ok.body.job_variables).toEqual({ cpu: 2, image: "busybox" });
    expect((await server.request("POST", "/flow_runs/count", {})).body).toBe(before + 1);
  });

  it.skipIf(!available)(`refuses a PATCH of deployment or run job variables that break the schema and keeps the old ones ${skipReason}`, async () => {
    const dep = (await server.request("POST", "/deployments/", { name: "patchy", flow_id: flowId, work_pool_name: "ecs-pool", job_variables: { cpu: 512 } })).body;
    const bad = await server.request("PATCH", `/deployments/${dep.id}`, { job_variables: { memory: "a lot" } });
    expect(bad.status).toBe(422);
    expect(bad.body.detail[0].loc).toEqual(["body", "job_variables", "memory"]);
    expect((await server.request("GET", `/deployments/${dep.id}`)).body.job_variables).toEqual({ cpu: 512 });
    const run = (await server.request("POST", `/deployments/${dep.id}/create_flow_run`, {})).body;
    const badRun = await server.request("PATCH", `/flow_runs/${run.id}`, { job_variables: { launch_type: "MOON" } });
    expect(badRun.status).toBe(422);
    expect(badRun.body.detail[0].loc).toEqual(["body", "job_variables", "launch_type"]);
    expect((await server.request("GET", `/flow_runs/${run.id}`)).body.job_variables).toEqual({ cpu: 512 });
  });

  it.skipIf(!available)(`refuses POST /flow_runs/ job variables that break the pool's schema ${skipReason}`, async () => {
    const r = await server.request("POST", "/flow_runs/", { flow_id: flowId, work_pool_name: "ecs-pool", job_variables: { stream_output: "maybe" } });
    expect(r.status).toBe(422);
    expect(r.body.detail[0].loc).toEqual(["body", "job_variables", "stream_output"]);
  });
});
