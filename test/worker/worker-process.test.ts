import { mkdtempSync, readFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EcsflowClient } from "../../packages/client/src/index.js";
import { ProcessInfrastructure, Worker } from "../../packages/worker/src/index.js";
import { startTestServer, type TestServer } from "../support/test-server.js";
import { waitFor } from "../support/wait-for.js";


// The worker against a real server with real child processes. The worker is storage-agnostic
// (it only speaks HTTP), so SQLite is enough here; the server's storage suites cover both engines.

const logger = pino({ level: "silent" });
const hostEnv = { PATH: process.env.PATH };


describe("worker with process infrastructure", () => {
  let server: TestServer;
  let client: EcsflowClient;
  let flowId: string;
  let dir: string;

  beforeAll(async () => {
    server = await startTestServer("sqlite");
    client = new EcsflowClient({ apiUrl: server.apiUrl, retry: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 50 } });
    dir = mkdtempSync(join(tmpdir(), "ecsflow-worker-"));
    flowId = (await server.request("POST", "/flows/", { name: "wflow" })).body.id;
  });
  afterAll(async () => server?.close());

  async function pool(name: string) {
    const r = await server.request("POST", "/work_pools/", { name, type: "process" });
    expect(r.status).toBe(201);
    return r.body;
  }

  async function deployment(poolName: string, name: string, jobVariables: Record<string, unknown>) {
    const r = await server.request("POST", "/deployments/", { name, flow_id: flowId, work_pool_name: poolName, job_variables: jobVariables });
    expect(r.status).toBeLessThan(300);
    return r.body;
  }

  async function runOf(deploymentId: string, body: Record<string, unknown> = {}) {
    const r = await server.request("POST", `/deployments/${deploymentId}/create_flow_run`, body);
    expect(r.status).toBe(201);
    return r.body;
  }

  const worker = (poolName: string, extra: Partial<Parameters<typeof Worker.create>[0]> = {}) =>
    Worker.create({
      client,
      infrastructure: new ProcessInfrastructure({ baseEnv: hostEnv }),
      logger,
      workPoolName: poolName,
      hostEnv,
      pollIntervalSeconds: 0.2,
      cancellationPollSeconds: 0.2,
      prefetchSeconds: 0,
      killGraceSeconds: 2,
      ...extra,
    });

  const state = async (id: string) => (await client.readFlowRun(id)).state_type;

  it("runs a command to COMPLETED, records the pid and ships its output as logs", async () => {
    await pool("p-complete");
    const dep = await deployment("p-complete", "ok", { command: "sh -c 'echo hello from $PREFECT__FLOW_RUN_ID'" });
    const run = await runOf(dep.id);
    const w = worker("p-complete", { runOnce: true });
    await w.run();
    const done = await client.readFlowRun(run.id);
    expect(done.state_type).toBe("COMPLETED");
    expect(done.infrastructure_pid).toMatch(/:\d+$/);
    const logs = await server.request("POST", "/logs/filter", { logs: { flow_run_id: { any_: [run.id] } } });
    expect(logs.body.map((l: { message: string }) => l.message)).toContain(`hello from ${run.id}`);
  });

  it("ends a failing command CRASHED with the exit code explained", async () => {
    await pool("p-fail");
    const dep = await deployment("p-fail", "fail", { command: "sh -c 'exit 127'" });
    const run = await runOf(dep.id);
    await worker("p-fail", { runOnce: true }).run();
    const done = await client.readFlowRun(run.id);
    expect(done.state_type).toBe("CRASHED");
    expect(done.state?.message).toMatch(/127.*command not found/);
  });

  it("ends a run whose job variables no longer fit the pool CRASHED with a message naming the variable, and keeps working", async () => {
    const created = await pool("p-badvars");
    const dep = await deployment("p-badvars", "bad", { command: "true" });
    const bad = await runOf(dep.id, { job_variables: { working_dir: "/tmp" } });
    const good = await runOf(dep.id);
    // The pool's template changes after the run was created: its working_dir no longer fits.
    const template = structuredClone(created.base_job_template);
    template.variables.properties.working_dir = { type: "integer", title: "Working directory" };
    expect((await server.request("PATCH", "/work_pools/p-badvars", { base_job_template: template })).status).toBe(204);
    await worker("p-badvars", { runOnce: true }).run();
    const crashed = await client.readFlowRun(bad.id);
    expect(crashed.state_type).toBe("CRASHED");
    expect(crashed.state?.message).toMatch(/working_dir/);
    expect(await state(good.id)).toBe("COMPLETED");
  });

  it("cancels a running process: the run ends CANCELLED and the process is gone", async () => {
    await pool("p-cancel");
    const marker = join(dir, "cancel-started");
    const dep = await deployment("p-cancel", "long", { command: `sh -c 'touch ${marker}; sleep 60'` });
    const run = await runOf(dep.id);
    const w = worker("p-cancel");
    const running = w.run();
    await waitFor("process start", async () => existsSync(marker) && (await client.readFlowRun(run.id)).infrastructure_pid);
    const pid = Number((await client.readFlowRun(run.id)).infrastructure_pid!.split(":").pop());
    const r = await client.setFlowRunState(run.id, { type: "CANCELLING", name: "Cancelling" });
    expect(r.status).toBe("ACCEPT");
    await waitFor("CANCELLED", async () => (await state(run.id)) === "CANCELLED");
    expect(() => process.kill(pid, 0)).toThrow();
    w.shutdown();
    await running;
  });

  it("on shutdown stops polling, keeps the started infrastructure running and resolves", async () => {
    await pool("p-shutdown");
    const marker = join(dir, "shutdown-started");
    const dep = await deployment("p-shutdown", "long", { command: `sh -c 'touch ${marker}; sleep 60'` });
    const run = await runOf(dep.id);
    const w = worker("p-shutdown");
    const running = w.run();
    await waitFor("process start", async () => existsSync(marker) && (await client.readFlowRun(run.id)).infrastructure_pid);
    w.shutdown();
    await running;
    expect(w.getStatus().state).toBe("STOPPED");
    const pid = Number((await client.readFlowRun(run.id)).infrastructure_pid!.split(":").pop());
    // Left alone: the process still runs, and the run is not marked finished by a worker that left
    // (it shows RUNNING: the worker saw the command start).
    expect(() => process.kill(pid, 0)).not.toThrow();
    expect(await state(run.id)).toBe("RUNNING");
    process.kill(-pid, "SIGKILL");
  });

  it("three workers on one pool launch each of 300 runs exactly once", async () => {
    await pool("p-race");
    const launches = join(dir, "launches.txt");
    const dep = await deployment("p-race", "race", { command: `sh -c 'echo $PREFECT__FLOW_RUN_ID >> ${launches}'` });
    const runs: string[] = [];
    for (let i = 0; i < 300; i++) runs.push((await runOf(dep.id)).id);
    const workers = [worker("p-race", { name: "w1" }), worker("p-race", { name: "w2" }), worker("p-race", { name: "w3" })];
    const loops = workers.map((w) => w.run());
    await waitFor(
      "all runs COMPLETED",
      async () => (await server.request("POST", "/flow_runs/count", { flow_runs: { state: { type: { any_: ["COMPLETED"] } } }, work_pools: { name: { any_: ["p-race"] } } })).body === 300,
      // 30 s on a quiet machine; the full suite (image builds, browsers) can make it several times that.
      360_000,
    );
    workers.forEach((w) => w.shutdown());
    await Promise.all(loops);
    const lines = readFileSync(launches, "utf8").trim().split("\n");
    expect(lines).toHaveLength(300);
    expect(new Set(lines)).toEqual(new Set(runs));
  }, 420_000);
});
