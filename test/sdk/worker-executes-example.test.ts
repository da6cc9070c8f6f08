import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EcsflowClient } from "../../packages/client/src/index.js";
import { ProcessInfrastructure, Worker } from "../../packages/worker/src/index.js";
import { startTestServer, type TestServer } from "../support/test-server.js";

// The whole path a user takes: a deployment of examples/etl.ts on a process pool, a real worker
// that starts the default command (`ecsflow flow-run execute`), and the run's task runs and logs
// read back through the API.

// The `ecsflow` package: its bin/, dist/ and examples/.
const ROOT = resolve(import.meta.dirname, "../../packages/cli");

describe("a worker runs an example deployment through ecsflow flow-run execute", () => {
  let server: TestServer;
  let client: EcsflowClient;

  beforeAll(async () => {
    server = await startTestServer("sqlite");
    client = new EcsflowClient({ apiUrl: server.apiUrl, retry: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 50 } });
  });
  afterAll(async () => server?.close());

  it("ends COMPLETED with its task runs and logs visible through the API", async () => {
    expect((await server.request("POST", "/work_pools/", { name: "examples", type: "process" })).status).toBe(201);
    const flow = (await server.request("POST", "/flows/", { name: "etl" })).body;
    const dep = await server.request("POST", "/deployments/", {
      name: "etl-local",
      flow_id: flow.id,
      work_pool_name: "examples",
      entrypoint: "examples/etl.ts:etl",
      path: ROOT,
      parameters: { sources: ["a", "bb"] },
      job_variables: { working_dir: ROOT },
    });
    expect(dep.status).toBeLessThan(300);
    const run = (await server.request("POST", `/deployments/${dep.body.id}/create_flow_run`, {})).body;
    const hostEnv = { PATH: process.env.PATH, ECSFLOW_HOME: mkdtempSync(join(tmpdir(), "ecsflow-wx-")) };
    const worker = await Worker.create({
      client,
      infrastructure: new ProcessInfrastructure({ baseEnv: hostEnv, ecsflowCommand: [process.execPath, join(ROOT, "bin/ecsflow.js")] }),
      logger: pino({ level: "silent" }),
      workPoolName: "examples",
      hostEnv,
      pollIntervalSeconds: 0.2,
      prefetchSeconds: 0,
      runOnce: true,
    });
    await worker.run();
    const done = await client.readFlowRun(run.id);
    expect(done.state_type).toBe("COMPLETED");
    expect(done.state?.data).toEqual({ loaded: 10 });
    const tasks = (await server.request("POST", "/task_runs/filter", { task_runs: { flow_run_id: { any_: [run.id] } } })).body as any[];
    expect(tasks.map((t) => t.task_key).sort()).toEqual(["extract", "extract", "load", "transform"]);
    expect(tasks.every((t) => t.state_type === "COMPLETED")).toBe(true);
    const logs = ((await server.request("POST", "/logs/filter", { logs: { flow_run_id: { any_: [run.id] } } })).body as any[]).map((l) => l.message);
    expect(logs).toEqual(expect.arrayContaining(["extracting a", "extracting bb", "loaded 10 rows"]));
  });
});
