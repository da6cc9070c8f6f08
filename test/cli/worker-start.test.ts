import { spawn } from "node:child_process";
import { resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../support/test-server.js";

const BIN = resolve(import.meta.dirname, "../../packages/cli/bin/ecsflow.js");

function run(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", ECSFLOW_LOGGING_LEVEL: "warn", ...env } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c) => (stdout += c));
    child.stderr.on("data", (c) => (stderr += c));
    child.on("close", (code) => done({ code, stdout, stderr }));
  });
}

// The worker command as a user runs it, against a real server.
describe("ecsflow worker start", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer("sqlite");
  });
  afterAll(async () => server?.close());

  it("runs the due run of its pool with --run-once and exits 0", async () => {
    const flow = (await server.request("POST", "/flows/", { name: "cli-flow" })).body;
    // The deployment needs the pool; create it the way the worker would (type process, default template).
    expect((await server.request("POST", "/work_pools/", { name: "cli-pool", type: "process" })).status).toBe(201);
    const dep = (await server.request("POST", "/deployments/", { name: "d", flow_id: flow.id, work_pool_name: "cli-pool", job_variables: { command: "echo from-cli" } })).body;
    const runBody = (await server.request("POST", `/deployments/${dep.id}/create_flow_run`, {})).body;
    const r = await run(["worker", "start", "--pool", "cli-pool", "--run-once", "--prefetch-seconds", "0"], { PREFECT_API_URL: server.apiUrl });
    expect(r.stderr).not.toMatch(/Unexpected error/);
    expect(r.code).toBe(0);
    const after = (await server.request("GET", `/flow_runs/${runBody.id}`)).body;
    expect(after.state_type).toBe("COMPLETED");
  });

  it("creates a missing pool of its type", async () => {
    const r = await run(["worker", "start", "--pool", "fresh-pool", "--run-once"], { PREFECT_API_URL: server.apiUrl });
    expect(r.code).toBe(0);
    const pool = await server.request("GET", "/work_pools/fresh-pool");
    expect(pool.status).toBe(200);
    expect(pool.body.type).toBe("process");
    const workers = await server.request("POST", "/work_pools/fresh-pool/workers/filter", {});
    expect(workers.body).toHaveLength(1);
  });

  it("serves /health with --with-healthcheck and exits 0 on SIGTERM", async () => {
    const child = spawn(process.execPath, [BIN, "worker", "start", "--pool", "health-pool", "--with-healthcheck", "--healthcheck-port", "0", "--poll-interval", "1"], {
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", ECSFLOW_LOGGING_LEVEL: "info", PREFECT_API_URL: server.apiUrl },
    });
    let out = "";
    child.stdout.on("data", (c) => (out += c));
    child.stderr.on("data", (c) => (out += c));
    const port = await new Promise<number>((done, fail) => {
      const t = setInterval(() => {
        const m = /"healthcheckPort":(\d+)/.exec(out);
        if (m) {
          clearInterval(t);
          done(Number(m[1]));
        }
      }, 50);
      child.once("exit", (code) => fail(new Error(`worker exited ${code}: ${out}`)));
    });
    let health: { status: number; body: any } | undefined;
    for (let i = 0; i < 100 && health?.status !== 200; i++) {
      const r = await fetch(`http://127.0.0.1:${port}/health`);
      health = { status: r.status, body: await r.json() };
      if (r.status !== 200) await new Promise((r2) => setTimeout(r2, 100));
    }
    expect(health?.status).toBe(200);
    expect(health?.body).toMatchObject({ state: "RUNNING", workPoolName: "health-pool", healthy: true });
    const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
  });

  it("says what to do when no API URL is set (exit 2) and when the API is unreachable (exit 4)", async () => {
    const none = await run(["worker", "start", "--pool", "x"], { ECSFLOW_HOME: "/tmp/ecsflow-no-profile" });
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/PREFECT_API_URL/);
    const down = await run(["worker", "start", "--pool", "x", "--run-once"], { PREFECT_API_URL: "http://127.0.0.1:59998/api", ECSFLOW_HOME: "/tmp/ecsflow-no-profile" });
    expect(down.code).toBe(4);
    expect(down.stderr).toMatch(/Cannot reach the API/);
    expect(down.stderr).not.toMatch(/at .*\.js:\d+/);
  });

  it("refuses an unknown worker type with exit 2", async () => {
    const r = await run(["worker", "start", "--pool", "x", "--type", "kubernetes"], { PREFECT_API_URL: server.apiUrl });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Unknown worker type "kubernetes"/);
  });
});
