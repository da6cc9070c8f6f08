import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFlow, createFlowRun } from "../support/api-fixtures.js";
import { startTestServer, type TestServer } from "../support/test-server.js";
import { ecsflow, emptyHome, parseJson } from "./run-ecsflow.js";

// `ecsflow notification …`, `ecsflow cost` and the cost in `ecsflow flow-run inspect`, against a real server.
describe("ecsflow notification and cost", () => {
  let server: TestServer;
  let env: Record<string, string>;
  beforeAll(async () => {
    server = await startTestServer("sqlite");
    env = { PREFECT_API_URL: server.apiUrl, ECSFLOW_HOME: emptyHome() };
  });
  afterAll(async () => server?.close());

  it("creates (secret shown once), lists and removes a notification; refuses a metadata URL with exit 3", async () => {
    const created = await ecsflow(["notification", "create", "https://hooks.example.com/x", "--format", "slack", "--states", "COMPLETED,FAILED", "--tag", "nightly", "--json"], env);
    expect(created.code).toBe(0);
    const body = parseJson<{ id: string; secret: string; state_types: string[]; format: string }>(created);
    expect(body).toMatchObject({ format: "slack", state_types: ["COMPLETED", "FAILED"] });
    const table = await ecsflow(["notification", "ls"], env);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^ID\s+NAME\s+URL/);
    expect(table.stdout).toContain("COMPLETED,FAILED");
    expect(table.stdout).not.toContain(body.secret);
    const bad = await ecsflow(["notification", "create", "http://169.254.169.254/"], env);
    expect(bad.code).toBe(3);
    expect((await ecsflow(["notification", "rm", body.id], env)).code).toBe(0);
    expect(parseJson<unknown[]>(await ecsflow(["notification", "ls", "--json"], env))).toEqual([]);
  });

  it("shows a run's cost in flow-run inspect and sums it per work pool", async () => {
    expect((await server.request("POST", "/work_pools/", { name: "cost-pool", type: "ecs" })).status).toBe(201);
    const run = await createFlowRun(server, await createFlow(server), { work_pool_name: "cost-pool" });
    const usage = { launch_type: "FARGATE", region: "us-east-1", cpu: 1024, memory: 2048, started_at: "2026-12-01T00:00:00Z", stopped_at: "2026-12-01T01:00:00Z" };
    const posted = await server.request("POST", `/ecsflow/flow_runs/${run.id}/cost`, usage);
    expect(posted.status).toBe(200);
    const expected = 0.04048 + 2 * 0.004445;
    expect(posted.body.cost_usd).toBeCloseTo(expected, 12);
    const inspect = parseJson<{ cost: { cost_usd: number; billed_seconds: number } }>(await ecsflow(["flow-run", "inspect", run.id, "--json"], env));
    expect(inspect.cost).toMatchObject({ billed_seconds: 3600 });
    const byPool = await ecsflow(["cost", "--by", "work-pool", "--json"], env);
    expect(byPool.code).toBe(0);
    const rows = parseJson<{ key: string; runs: number; cost_usd: number }[]>(byPool);
    expect(rows.find((r) => r.key === "cost-pool")?.runs).toBe(1);
    const people = await ecsflow(["cost", "--by", "work-pool"], env);
    expect(people.stdout).toContain(`$${expected.toFixed(4)}`);
    expect((await ecsflow(["cost", "--by", "flow"], env)).code).toBe(2);
  });
});
