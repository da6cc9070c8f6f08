import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../support/test-server.js";
import { ecsflow, emptyHome, parseJson, spawnEcsflow, STACK_FRAME } from "./run-ecsflow.js";

const UNKNOWN = "0190f2a4-2222-7000-8000-000000000000";

// `ecsflow flow-run …` as a user runs it, against a real server.
describe("ecsflow flow-run", () => {
  let server: TestServer;
  let env: Record<string, string>;
  let deploymentId: string;

  beforeAll(async () => {
    server = await startTestServer("sqlite");
    env = { PREFECT_API_URL: server.apiUrl, ECSFLOW_HOME: emptyHome() };
    expect((await server.request("POST", "/work_pools/", { name: "rp", type: "process" })).status).toBe(201);
    const flowId = (await server.request("POST", "/flows/", { name: "reports" })).body.id;
    deploymentId = (await server.request("POST", "/deployments/", { name: "daily", flow_id: flowId, work_pool_name: "rp" })).body.id;
  });
  afterAll(async () => server?.close());

  const newRun = async (name: string) => {
    const r = await server.request("POST", `/deployments/${deploymentId}/create_flow_run`, { name });
    expect(r.status).toBe(201);
    return r.body as { id: string; name: string };
  };
  const setState = async (id: string, state: Record<string, unknown>) => expect((await server.request("POST", `/flow_runs/${id}/set_state`, { state })).body.status).toBe("ACCEPT");
  const log = (id: string, message: string, timestamp = new Date().toISOString()) =>
    server.request("POST", "/logs/", [{ name: "flow", level: 20, message, timestamp, flow_run_id: id }]);
  const stateOf = async (id: string) => (await server.request("GET", `/flow_runs/${id}`)).body.state_type;

  it("lists runs with filters and inspects one by id or by name", async () => {
    const a = await newRun("run-a");
    const b = await newRun("run-b");
    await setState(b.id, { type: "PENDING" });
    await setState(b.id, { type: "RUNNING" });
    const [table, running, scheduled, byDeployment, byName, byId, badType] = await Promise.all([
      ecsflow(["flow-run", "ls"], env),
      ecsflow(["flow-run", "ls", "--state-type", "running", "--json"], env),
      ecsflow(["flow-run", "ls", "--state", "Scheduled", "--flow-name", "reports", "--json"], env),
      ecsflow(["flow-run", "ls", "--deployment", "reports/daily", "--pool", "rp", "--json"], env),
      ecsflow(["flow-run", "inspect", "run-a"], env),
      ecsflow(["flow-run", "inspect", b.id, "--json"], env),
      ecsflow(["flow-run", "ls", "--state-type", "DONE"], env),
    ]);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^ID\s+FLOW\s+NAME\s+STATE\s+WHEN/);
    expect(table.stdout).toMatch(new RegExp(`${b.id}\\s+reports\\s+run-b\\s+Running`));
    expect(parseJson<any[]>(running).map((r) => r.id)).toEqual([b.id]);
    expect(parseJson<any[]>(scheduled).map((r) => r.id)).toContain(a.id);
    expect(parseJson<any[]>(scheduled).map((r) => r.id)).not.toContain(b.id);
    expect(parseJson<any[]>(byDeployment).map((r) => r.id)).toEqual(expect.arrayContaining([a.id, b.id]));
    expect(byName.code).toBe(0);
    expect(byName.stdout).toMatch(new RegExp(`id: ${a.id}`));
    expect(parseJson(byId)).toMatchObject({ id: b.id, state_type: "RUNNING", deployment_id: deploymentId });
    expect(badType.code).toBe(2);
    expect(badType.stderr).toMatch(/--state-type "DONE" is not a state type/);
  });

  it("prints a run's logs in time order, the last n with --tail, and JSON with --json", async () => {
    const run = await newRun("run-logs");
    const t0 = Date.now();
    // Sent out of order, as batches from several sources can arrive.
    await log(run.id, "second", new Date(t0 + 1000).toISOString());
    await log(run.id, "first", new Date(t0).toISOString());
    await log(run.id, "third", new Date(t0 + 2000).toISOString());
    const [all, tail, json, none] = await Promise.all([
      ecsflow(["flow-run", "logs", run.id], env),
      ecsflow(["flow-run", "logs", "run-logs", "--tail", "2"], env),
      ecsflow(["flow-run", "logs", run.id, "--json"], env),
      ecsflow(["flow-run", "logs", (await newRun("run-quiet")).id], env),
    ]);
    expect(all.code).toBe(0);
    expect(all.stdout).toMatch(/\| INFO +\| first\n.*\| second\n.*\| third\n$/);
    expect(tail.stdout).toMatch(/^.*\| second\n.*\| third\n$/);
    expect(parseJson<any[]>(json).map((l) => l.message)).toEqual(["first", "second", "third"]);
    expect(none.code).toBe(0);
    expect(none.stderr).toMatch(/has no logs yet/);
  });

  it("logs --follow streams new lines until the run is final, then exits 0", async () => {
    const run = await newRun("run-follow");
    await log(run.id, "before follow");
    const child = spawnEcsflow(["flow-run", "logs", run.id, "--follow"], env);
    let seen = "";
    child.stdout!.on("data", (c) => (seen += c));
    await waitUntil(() => seen.includes("before follow"));
    await setState(run.id, { type: "PENDING" });
    await setState(run.id, { type: "RUNNING" });
    await log(run.id, "while running");
    await waitUntil(() => seen.includes("while running"));
    expect(child.exitCode).toBeNull();
    await setState(run.id, { type: "COMPLETED" });
    const r = await child.result;
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/before follow\n.*while running\n$/);
    expect(r.stderr).toMatch(/ended COMPLETED/);
  });

  it("logs --follow --json prints one JSON object a line", async () => {
    const run = await newRun("run-follow-json");
    await log(run.id, "line one");
    await setState(run.id, { type: "PENDING" });
    await setState(run.id, { type: "CRASHED", message: "gone" });
    const r = await ecsflow(["flow-run", "logs", run.id, "--follow", "--json"], env);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split("\n").map((l) => JSON.parse(l));
    expect(lines.map((l) => l.message)).toEqual(["line one"]);
  });

  it("cancel ends a SCHEDULED run CANCELLED and moves a RUNNING one to CANCELLING; a finished run is refused (exit 3)", async () => {
    const scheduled = await newRun("run-cancel-scheduled");
    const running = await newRun("run-cancel-running");
    await setState(running.id, { type: "PENDING" });
    await setState(running.id, { type: "RUNNING" });
    const [s, r] = await Promise.all([ecsflow(["flow-run", "cancel", scheduled.id], env), ecsflow(["flow-run", "cancel", "run-cancel-running", "--json"], env)]);
    expect(s.code).toBe(0);
    expect(s.stdout).toMatch(/Cancelled flow run 'run-cancel-scheduled'/);
    expect(await stateOf(scheduled.id)).toBe("CANCELLED");
    expect(r.code).toBe(0);
    expect(parseJson(r)).toMatchObject({ id: running.id, state_type: "CANCELLING" });
    const again = await ecsflow(["flow-run", "cancel", scheduled.id], env);
    expect(again.code).toBe(3);
    expect(again.stderr).toMatch(/has already ended CANCELLED; there is nothing to cancel/);
  });

  it("retry reschedules a finished run of a deployment (same id, as Prefect does) and refuses an unfinished one (exit 3)", async () => {
    const run = await newRun("run-retry");
    await setState(run.id, { type: "PENDING" });
    await setState(run.id, { type: "RUNNING" });
    const early = await ecsflow(["flow-run", "retry", run.id], env);
    expect(early.code).toBe(3);
    expect(early.stderr).toMatch(/is RUNNING; only finished runs \(COMPLETED, FAILED, CANCELLED, CRASHED\) can be retried/);
    await setState(run.id, { type: "FAILED", message: "boom" });
    const r = await ecsflow(["flow-run", "retry", run.id, "--json"], env);
    expect(r.code).toBe(0);
    expect(parseJson(r)).toMatchObject({ id: run.id, state_type: "SCHEDULED" });
    // A worker polling the pool now gets it again.
    const offered = await server.request("POST", "/work_pools/rp/get_scheduled_flow_runs", {});
    expect(offered.body.map((o: any) => o.flow_run.id)).toContain(run.id);
  });

  it("names an unknown run (exit 3) for every verb", async () => {
    const results = await Promise.all([
      ecsflow(["flow-run", "inspect", UNKNOWN], env),
      ecsflow(["flow-run", "logs", UNKNOWN, "--follow"], env),
      ecsflow(["flow-run", "cancel", UNKNOWN, "--json"], env),
      ecsflow(["flow-run", "retry", "no-such-run"], env),
    ]);
    for (const r of results) {
      expect(r.code).toBe(3);
      expect(r.stderr).toMatch(/Flow run ("no-such-run"|0190f2a4-2222-7000-8000-000000000000) not found\. Run `ecsflow flow-run ls`/);
      expect(r.stdout).toBe("");
      expect(r.stderr).not.toMatch(STACK_FRAME);
    }
  });
});

async function waitUntil(check: () => boolean, timeoutMs = 45_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 50));
  }
}
