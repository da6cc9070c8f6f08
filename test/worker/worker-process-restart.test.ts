// `ecsflow worker start --type process` SIGKILLed mid-batch and started again on the same host:
// every run is launched exactly once and none is left PENDING or RUNNING. Processes the killed
// worker started are adopted (found by their recorded pid, or in /proc by their
// PREFECT__FLOW_RUN_ID when the pid was never recorded) and watched to their end; their exit code
// died with their parent, so they end CRASHED saying exactly that. Claimed runs that were never
// started go back to SCHEDULED once the claim is clearly orphaned, and run once.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../support/test-server.js";

const BIN = resolve(import.meta.dirname, "../../packages/cli/bin/ecsflow.js");
const BUILT = existsSync(resolve(import.meta.dirname, "../../packages/cli/dist/main.js"));
const FINAL = ["COMPLETED", "CRASHED", "FAILED", "CANCELLED"];

async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs: number, context: () => Promise<unknown>): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(await context()).slice(0, 3000)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe.skipIf(!BUILT)(`ecsflow worker start --type process, SIGKILLed mid-batch and restarted${BUILT ? "" : " (skipped: run `npm run build` first)"}`, () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer("sqlite");
  });
  afterAll(async () => server?.close());

  it("launches every run exactly once and leaves none PENDING or RUNNING", async () => {
    const POOL = "restart-process";
    const RUNS = 40;
    const dir = mkdtempSync(join(tmpdir(), "ecsflow-restart-"));
    const launches = join(dir, "launches.txt");
    expect((await server.request("POST", "/work_pools/", { name: POOL, type: "process" })).status).toBe(201);
    const flow = (await server.request("POST", "/flows/", { name: "restart" })).body;
    const dep = (
      await server.request("POST", "/deployments/", { name: "r", flow_id: flow.id, work_pool_name: POOL, job_variables: { command: `sh -c 'echo $PREFECT__FLOW_RUN_ID >> ${launches}; sleep 2'` } })
    ).body;
    const ids: string[] = [];
    for (let i = 0; i < RUNS; i++) ids.push((await server.request("POST", `/deployments/${dep.id}/create_flow_run`, {})).body.id);
    const counts = async () => {
      const runs = (await server.request("POST", "/flow_runs/filter", { flow_runs: { id: { any_: ids } }, limit: 200 })).body as { state_type: string }[];
      const c: Record<string, number> = {};
      for (const r of runs) c[r.state_type] = (c[r.state_type] ?? 0) + 1;
      return c;
    };
    const startWorker = () => {
      const child = spawn(process.execPath, [BIN, "worker", "start", "--type", "process", "--pool", POOL, "--limit", "10", "--poll-interval", "1", "--prefetch-seconds", "0"], {
        env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", ECSFLOW_LOGGING_LEVEL: "warn", PREFECT_API_URL: server.apiUrl, ECSFLOW_WORKER_ORPHANED_CLAIM_SECONDS: "3" },
        stdio: ["ignore", "ignore", "pipe"],
      });
      const out = { stderr: "" };
      child.stderr!.on("data", (c) => (out.stderr += c));
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => child.once("exit", (code, signal) => done({ code, signal })));
      return { child, out, exited };
    };
    const launched = () => (existsSync(launches) ? readFileSync(launches, "utf8").trim().split("\n").filter(Boolean) : []);

    const first = startWorker();
    await until("some runs launched", async () => (launched().length >= 8 ? true : undefined), 120_000, async () => first.out.stderr);
    first.child.kill("SIGKILL");
    expect((await first.exited).signal).toBe("SIGKILL");
    const atKill = await counts();
    expect((atKill.COMPLETED ?? 0) < RUNS).toBe(true);

    const second = startWorker();
    try {
      await until(
        "every run final",
        async () => {
          const c = await counts();
          return FINAL.reduce((n, t) => n + (c[t] ?? 0), 0) === RUNS ? c : undefined;
        },
        180_000,
        async () => ({ counts: await counts(), stderr: second.out.stderr }),
      );
    } finally {
      second.child.kill("SIGTERM");
    }
    expect((await second.exited).code).toBe(0);

    const lines = launched();
    expect(lines).toHaveLength(RUNS);
    expect(new Set(lines)).toEqual(new Set(ids));
    const final = await counts();
    expect((final.COMPLETED ?? 0) + (final.CRASHED ?? 0)).toBe(RUNS);
    const crashed = (await server.request("POST", "/flow_runs/filter", { flow_runs: { id: { any_: ids }, state: { type: { any_: ["CRASHED"] } } }, limit: 200 })).body as { state: { message: string } }[];
    for (const run of crashed) expect(run.state.message).toMatch(/ended while no worker was watching it.*exit code is unknown/);
    console.info(JSON.stringify({ runs: RUNS, atKill, final }));
  });
});

describe("a restarted process worker's adoption, in process", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer("sqlite");
  });
  afterAll(async () => server?.close());

  async function setup(pool: string, command: string) {
    expect((await server.request("POST", "/work_pools/", { name: pool, type: "process" })).status).toBe(201);
    const flow = (await server.request("POST", "/flows/", { name: `f-${pool}` })).body;
    const dep = (await server.request("POST", "/deployments/", { name: "d", flow_id: flow.id, work_pool_name: pool, job_variables: { command } })).body;
    return (await server.request("POST", `/deployments/${dep.id}/create_flow_run`, {})).body as { id: string };
  }

  async function worker(pool: string) {
    const { pino } = await import("pino");
    const { EcsflowClient } = await import("../../packages/client/src/index.js");
    const { ProcessInfrastructure, Worker } = await import("../../packages/worker/src/index.js");
    return Worker.create({
      client: new EcsflowClient({ apiUrl: server.apiUrl }),
      infrastructure: new ProcessInfrastructure({ baseEnv: { PATH: process.env.PATH } }),
      logger: pino({ level: "silent" }),
      workPoolName: pool,
      hostEnv: { PATH: process.env.PATH },
      pollIntervalSeconds: 0.5,
      prefetchSeconds: 0,
      orphanedClaimSeconds: 1,
    });
  }

  const read = async (id: string) => (await server.request("GET", `/flow_runs/${id}`)).body;
  const states = async (id: string) => (await server.request("GET", `/flow_run_states/?flow_run_id=${id}`)).body.map((s: { name: string }) => s.name);

  it("reschedules a claimed run its dead claimant never started, and runs it once", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ecsflow-orphan-"));
    const launches = join(dir, "launches.txt");
    const run = await setup("orphan-claim", `sh -c 'echo x >> ${launches}'`);
    // The claimant: PENDING, then gone before it started anything.
    expect((await server.request("POST", `/flow_runs/${run.id}/set_state`, { state: { type: "PENDING" } })).body.status).toBe("ACCEPT");
    const w = await worker("orphan-claim");
    const loop = w.run();
    try {
      await until("COMPLETED", async () => ((await read(run.id)).state_type === "COMPLETED" ? true : undefined), 60_000, async () => read(run.id));
    } finally {
      w.shutdown();
      await loop;
    }
    expect(await states(run.id)).toEqual(["Scheduled", "Pending", "Scheduled", "Pending", "Running", "Completed"]);
    expect(readFileSync(launches, "utf8").trim().split("\n")).toHaveLength(1);
  });

  it("finds the process of a run whose pid was never recorded (by its PREFECT__FLOW_RUN_ID) and watches it to its end", async () => {
    const run = await setup("unrecorded-pid", "true");
    expect((await server.request("POST", `/flow_runs/${run.id}/set_state`, { state: { type: "PENDING" } })).body.status).toBe("ACCEPT");
    // What the dead worker had started: a process-group leader carrying the run's id.
    const orphan = spawn("sh", ["-c", "sleep 2"], { detached: true, stdio: "ignore", env: { PATH: process.env.PATH ?? "", PREFECT__FLOW_RUN_ID: run.id } });
    orphan.unref();
    const w = await worker("unrecorded-pid");
    const loop = w.run();
    try {
      const done = await until("final", async () => ((await read(run.id)).state_type === "CRASHED" ? read(run.id) : undefined), 60_000, async () => read(run.id));
      expect(done.infrastructure_pid).toMatch(new RegExp(`:${orphan.pid}$`));
      expect(done.state.message).toMatch(/ended while no worker was watching it/);
    } finally {
      w.shutdown();
      await loop;
    }
    expect(await states(run.id)).toEqual(["Scheduled", "Pending", "Running", "Crashed"]);
  });
});
