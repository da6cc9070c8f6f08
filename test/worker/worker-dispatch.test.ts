import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EcsflowClient } from "../../packages/client/src/index.js";
import { ProcessInfrastructure, Worker } from "../../packages/worker/src/index.js";
import { startTestServer, type TestServer } from "../support/test-server.js";
import { waitFor } from "../support/wait-for.js";


// Push dispatch: against our server the worker listens to the pool's run events, so a run
// created, rescheduled or cancelled is acted on without waiting for the next poll. The poll
// interval here is far longer than the test's timeouts, so only the event path can pass.

const logger = pino({ level: "silent" });
const hostEnv = { PATH: process.env.PATH };
const LONG_POLL_SECONDS = 600;


describe("worker dispatch through run events", () => {
  let server: TestServer;
  let client: EcsflowClient;
  let flowId: string;
  let dir: string;

  beforeAll(async () => {
    server = await startTestServer("sqlite");
    client = new EcsflowClient({ apiUrl: server.apiUrl, retry: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 50 } });
    dir = mkdtempSync(join(tmpdir(), "ecsflow-dispatch-"));
    flowId = (await server.request("POST", "/flows/", { name: "dflow" })).body.id;
  });
  afterAll(async () => server?.close());

  async function deployment(poolName: string, command: string) {
    expect((await server.request("POST", "/work_pools/", { name: poolName, type: "process" })).status).toBe(201);
    const r = await server.request("POST", "/deployments/", { name: poolName, flow_id: flowId, work_pool_name: poolName, job_variables: { command } });
    expect(r.status).toBeLessThan(300);
    return r.body;
  }

  const worker = (poolName: string) =>
    Worker.create({
      client,
      infrastructure: new ProcessInfrastructure({ baseEnv: hostEnv }),
      logger,
      workPoolName: poolName,
      hostEnv,
      pollIntervalSeconds: LONG_POLL_SECONDS,
      cancellationPollSeconds: LONG_POLL_SECONDS,
      prefetchSeconds: 0,
      killGraceSeconds: 2,
    });

  const history = async (id: string) => (await server.request("GET", `/flow_run_states/?flow_run_id=${id}`)).body.map((s: { type: string }) => s.type);

  it("launches runs created after its first poll without waiting for the next, and shows RUNNING for a plain command", async () => {
    const dep = await deployment("d-fast", "sh -c 'sleep 0.3'");
    const w = worker("d-fast");
    const loop = w.run();
    try {
      await waitFor("first poll", async () => w.getStatus().lastPollAt !== null);
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) ids.push((await server.request("POST", `/deployments/${dep.id}/create_flow_run`, {})).body.id);
      for (const id of ids) await waitFor(`run ${id} COMPLETED`, async () => (await client.readFlowRun(id)).state_type === "COMPLETED");
      for (const id of ids) {
        expect(await history(id)).toEqual(["SCHEDULED", "PENDING", "RUNNING", "COMPLETED"]);
        expect((await client.readFlowRun(id)).run_count).toBe(1);
      }
    } finally {
      w.shutdown();
      await loop;
    }
  });

  it("wakes at a future run's scheduled time", async () => {
    const dep = await deployment("d-later", "true");
    const w = worker("d-later");
    const loop = w.run();
    try {
      await waitFor("first poll", async () => w.getStatus().lastPollAt !== null);
      const at = new Date(Date.now() + 1500).toISOString();
      const run = (await server.request("POST", `/deployments/${dep.id}/create_flow_run`, { state: { type: "SCHEDULED", state_details: { scheduled_time: at } } })).body;
      await waitFor("COMPLETED", async () => (await client.readFlowRun(run.id)).state_type === "COMPLETED");
      const pending = (await server.request("GET", `/flow_run_states/?flow_run_id=${run.id}`)).body.find((s: { type: string }) => s.type === "PENDING");
      // Claimed no earlier than it was due.
      expect(Date.parse(pending.timestamp)).toBeGreaterThanOrEqual(Date.parse(at));
    } finally {
      w.shutdown();
      await loop;
    }
  });

  it("acts on a cancel at once: the process is killed and the run ends CANCELLED", async () => {
    const marker = join(dir, "cancel-started");
    const dep = await deployment("d-cancel", `sh -c 'touch ${marker}; sleep 60'`);
    const w = worker("d-cancel");
    const loop = w.run();
    try {
      await waitFor("first poll", async () => w.getStatus().lastPollAt !== null);
      const run = (await server.request("POST", `/deployments/${dep.id}/create_flow_run`, {})).body;
      await waitFor("process start", async () => existsSync(marker) && (await client.readFlowRun(run.id)).infrastructure_pid);
      expect((await client.setFlowRunState(run.id, { type: "CANCELLING", name: "Cancelling" })).status).toBe("ACCEPT");
      await waitFor("CANCELLED", async () => (await client.readFlowRun(run.id)).state_type === "CANCELLED");
      expect(await history(run.id)).toEqual(["SCHEDULED", "PENDING", "RUNNING", "CANCELLING", "CANCELLED"]);
    } finally {
      w.shutdown();
      await loop;
    }
  });
});
