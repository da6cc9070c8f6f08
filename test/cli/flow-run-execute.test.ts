import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../support/test-server.js";
import { waitFor as waitUntil } from "../support/wait-for.js";

// `ecsflow flow-run execute` as the worker runs it: a child process with PREFECT_API_URL and
// PREFECT__FLOW_RUN_ID, against a real server, running the examples/ flows from their deployment.

// The `ecsflow` package: its bin/, dist/ and examples/.
const ROOT = resolve(import.meta.dirname, "../../packages/cli");

/** A flow project outside the checkout that has the SDK installed, as a user's has (node_modules, here the checkout's). */
function flowProject(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  symlinkSync(resolve(ROOT, "../../node_modules"), join(dir, "node_modules"), "dir");
  return dir;
}
const BIN = join(ROOT, "bin/ecsflow.js");

interface Spawned {
  child: ChildProcess;
  done: Promise<{ code: number | null; stderr: string }>;
}

describe("ecsflow flow-run execute", () => {
  let server: TestServer;
  let home: string;

  beforeAll(async () => {
    server = await startTestServer("sqlite");
    home = mkdtempSync(join(tmpdir(), "ecsflow-exec-"));
  });
  afterAll(async () => server?.close());

  function execute(flowRunId: string | undefined, extraEnv: Record<string, string> = {}, args: string[] = []): Spawned {
    const env: Record<string, string> = { PATH: process.env.PATH ?? "", ECSFLOW_HOME: home, PREFECT_API_URL: server.apiUrl, ...extraEnv };
    if (flowRunId) env.PREFECT__FLOW_RUN_ID = flowRunId;
    const child = spawn(process.execPath, [BIN, "flow-run", "execute", ...args], { env, cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr!.on("data", (d) => (stderr += d));
    child.stdout!.resume();
    const done = new Promise<{ code: number | null; stderr: string }>((res) => child.on("exit", (code) => res({ code, stderr })));
    return { child, done };
  }

  async function deploymentRun(flowName: string, entrypoint: string, parameters: Record<string, unknown> = {}, path: string | null = ROOT) {
    const flow = (await server.request("POST", "/flows/", { name: flowName })).body;
    const dep = await server.request("POST", "/deployments/", { name: `${flowName}-dep-${Math.random().toString(36).slice(2, 8)}`, flow_id: flow.id, entrypoint, path, parameters });
    expect(dep.status).toBeLessThan(300);
    const run = await server.request("POST", `/deployments/${dep.body.id}/create_flow_run`, {});
    expect(run.status).toBe(201);
    return run.body;
  }

  const readRun = async (id: string) => (await server.request("GET", `/flow_runs/${id}`)).body;
  const taskRuns = async (id: string) => (await server.request("POST", "/task_runs/filter", { task_runs: { flow_run_id: { any_: [id] } } })).body as any[];
  const logs = async (id: string) => ((await server.request("POST", "/logs/filter", { logs: { flow_run_id: { any_: [id] } } })).body as any[]).map((l) => l.message as string);

  const waitFor = <T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 60_000) => waitUntil(what, fn, timeoutMs, 100);

  it("runs a TypeScript example to COMPLETED with the deployment's parameters, logs and exit 0", async () => {
    const run = await deploymentRun("hello", "examples/hello.ts:hello", { name: "Ada", times: 2 });
    const { code, stderr } = await execute(run.id).done;
    expect(stderr).toContain("Flow run completed.");
    expect(code).toBe(0);
    const done = await readRun(run.id);
    expect(done.state_type).toBe("COMPLETED");
    expect(done.state.data).toBe("greeted Ada 2 time(s)");
    expect((await logs(run.id)).filter((m) => m === "Hello, Ada!")).toHaveLength(2);
  });

  it("runs parallel tasks with retries (etl) and a flaky task that succeeds on retry", async () => {
    const etl = await deploymentRun("etl", "examples/etl.ts:etl");
    const flaky = await deploymentRun("flaky", "examples/flaky.ts:flaky", { fail_times: 2 });
    const [a, b] = await Promise.all([execute(etl.id).done, execute(flaky.id).done]);
    expect(a.code).toBe(0);
    expect(b.code).toBe(0);
    expect((await readRun(etl.id)).state.data).toEqual({ loaded: 15 });
    const etlTasks = await taskRuns(etl.id);
    expect(etlTasks).toHaveLength(5);
    expect(etlTasks.every((t) => t.state_type === "COMPLETED")).toBe(true);
    const [flakyTask] = await taskRuns(flaky.id);
    expect(flakyTask.state_type).toBe("COMPLETED");
    expect(flakyTask.run_count).toBe(3);
    expect(await logs(flaky.id)).toEqual(expect.arrayContaining([expect.stringContaining("service unavailable (attempt 1)"), "service answered on attempt 3"]));
  });

  it("loads a JavaScript entrypoint relative to the deployment's path", async () => {
    const dir = flowProject("ecsflow-js-");
    writeFileSync(join(dir, "flows.mjs"), `import { flow } from "@ecsflow/sdk";\nexport const add = flow({ name: "js-add" }, async ({ a, b }) => a + b);\n`);
    const run = await deploymentRun("js-add", "flows.mjs:add", { a: 2, b: 3 }, dir);
    const { code } = await execute(run.id).done;
    expect(code).toBe(0);
    expect((await readRun(run.id)).state.data).toBe(5);
  });

  it("fails the run with exit 5 when parameters do not fit the flow's schema, naming the field", async () => {
    const run = await deploymentRun("hello", "examples/hello.ts:hello", { name: "Ada", times: 0 });
    const { code } = await execute(run.id).done;
    expect(code).toBe(5);
    const done = await readRun(run.id);
    expect(done.state_type).toBe("FAILED");
    expect(done.state.message).toMatch(/Validation of flow parameters failed: times: must be >= 1/);
  });

  it("fails the run when the entrypoint file or export is missing, saying what exists", async () => {
    const noFile = await deploymentRun("hello", "examples/nope.ts:hello");
    expect((await execute(noFile.id).done).code).toBe(5);
    expect((await readRun(noFile.id)).state.message).toMatch(/Entrypoint file examples\/nope\.ts not found/);
    const noExport = await deploymentRun("hello", "examples/hello.ts:goodbye");
    expect((await execute(noExport.id).done).code).toBe(5);
    expect((await readRun(noExport.id)).state.message).toMatch(/no export named 'goodbye'; its flows: hello/);
  });

  it("reports an unhandled error as FAILED with the message and stack in the logs", async () => {
    const dir = flowProject("ecsflow-err-");
    writeFileSync(join(dir, "bad.ts"), `import { flow } from "@ecsflow/sdk";\nexport const bad = flow({ name: "bad" }, async () => { throw new RangeError("out of range"); });\n`);
    const run = await deploymentRun("bad", "bad.ts:bad", {}, dir);
    expect((await execute(run.id).done).code).toBe(5);
    const done = await readRun(run.id);
    expect(done.state_type).toBe("FAILED");
    expect(done.state.message).toMatch(/RangeError: out of range/);
    // The stack names the TypeScript source and line (the build's source map), not the bundle.
    expect((await logs(run.id)).some((m) => m.includes("RangeError: out of range") && m.includes(`${join(dir, "bad.ts")}:2:`))).toBe(true);
  });

  it("runs a TypeScript entrypoint with local imports from a build cached beside it", async () => {
    const dir = flowProject("ecsflow-tsproj-");
    mkdirSync(join(dir, "lib"));
    writeFileSync(join(dir, "lib", "double.ts"), `export const double = (n: number): number => n * 2;\n`);
    writeFileSync(join(dir, "main.ts"), `import { flow } from "@ecsflow/sdk";\nimport { double } from "./lib/double.js";\nexport const twice = flow({ name: "ts-twice" }, async ({ n }: { n: number }) => double(n));\n`);
    for (const n of [4, 5]) {
      const run = await deploymentRun("ts-twice", "main.ts:twice", { n }, dir);
      expect((await execute(run.id).done).code).toBe(0);
      expect((await readRun(run.id)).state.data).toBe(n * 2);
    }
    // One build for both runs: the second imported it as plain JavaScript.
    expect(readdirSync(join(dir, ".ecsflow", "build")).filter((f) => f.endsWith(".mjs"))).toHaveLength(1);
  });

  it("ends CANCELLED when the run goes CANCELLING (the flow's signal aborts)", async () => {
    const run = await deploymentRun("long-running", "examples/long-running.ts:longRunning", { seconds: 120 });
    const p = execute(run.id, {}, ["--cancellation-poll-seconds", "0.2"]);
    await waitFor("the flow to tick", async () => (await logs(run.id)).includes("tick 1"));
    const r = await server.request("POST", `/flow_runs/${run.id}/set_state`, { state: { type: "CANCELLING", name: "Cancelling" } });
    expect(r.body.status).toBe("ACCEPT");
    const { code } = await p.done;
    expect(code).toBe(5);
    expect((await readRun(run.id)).state_type).toBe("CANCELLED");
  });

  it("ends CRASHED with exit 143 on SIGTERM without a cancellation request, CANCELLED with one", async () => {
    const crash = await deploymentRun("long-running", "examples/long-running.ts:longRunning", { seconds: 120 });
    const a = execute(crash.id, {}, ["--cancellation-poll-seconds", "60"]);
    await waitFor("the flow to tick", async () => (await logs(crash.id)).includes("tick 1"));
    a.child.kill("SIGTERM");
    expect((await a.done).code).toBe(143);
    const crashed = await readRun(crash.id);
    expect(crashed.state_type).toBe("CRASHED");
    expect(crashed.state.message).toMatch(/SIGTERM/);

    const cancel = await deploymentRun("long-running", "examples/long-running.ts:longRunning", { seconds: 120 });
    const b = execute(cancel.id, {}, ["--cancellation-poll-seconds", "60"]);
    await waitFor("the flow to tick", async () => (await logs(cancel.id)).includes("tick 1"));
    await server.request("POST", `/flow_runs/${cancel.id}/set_state`, { state: { type: "CANCELLING", name: "Cancelling" } });
    b.child.kill("SIGTERM");
    expect((await b.done).code).toBe(5);
    expect((await readRun(cancel.id)).state_type).toBe("CANCELLED");
  });

  it("exits 4 when the API cannot be reached, as every CLI command does, without a stack trace", async () => {
    const port = await new Promise<number>((res) => {
      const probe = createServer().listen(0, "127.0.0.1", () => {
        const { port } = probe.address() as AddressInfo;
        probe.close(() => res(port));
      });
    });
    const { code, stderr } = await execute("01a225ec-c05f-7000-9181-48d30714b59a", { PREFECT_API_URL: `http://127.0.0.1:${port}/api` }).done;
    expect(stderr).toMatch(/Cannot reach the API at http:\/\/127\.0\.0\.1:\d+\/api/);
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(code).toBe(4);
  });

  it("explains a missing flow run id or API URL with a usage error (exit 2)", async () => {
    const noId = await execute(undefined).done;
    expect(noId.code).toBe(2);
    expect(noId.stderr).toMatch(/PREFECT__FLOW_RUN_ID/);
    expect(noId.stderr).not.toMatch(/\n\s+at /);
    const noApi = await execute("01a225ec-c05f-7000-9181-48d30714b59a", { PREFECT_API_URL: "" }).done;
    expect(noApi.code).toBe(2);
    expect(noApi.stderr).toMatch(/PREFECT_API_URL/);
  });
});
