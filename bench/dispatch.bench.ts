import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { goal, isQuick, percentile, report, type BenchRow } from "./support/report.js";
import { api, REPO, scratchDatabase, spawnServer } from "./support/spawn-server.js";

// Dispatch latency: from "run due" (a run created for now: its expected start time) to
// "infrastructure started" (the worker's `infrastructure started` log line, written when the
// process was spawned and its pid recorded), with real `ecsflow worker start` processes against
// a real `ecsflow server start` on SQLite. Runs are created at a steady rate, as users create them,
// so the figure is dispatch latency rather than queueing behind a burst. Also: worker RSS idle and
// at peak.

const QUICK = isQuick();
const RUNS = Number(process.env.ECSFLOW_BENCH_DISPATCH_RUNS ?? (QUICK ? 30 : 1000));
const RATE_PER_SECOND = Number(process.env.ECSFLOW_BENCH_DISPATCH_RATE ?? 25);
const POLL_INTERVAL_SECONDS = 10;

interface WorkerProcess {
  child: ChildProcess;
  started: Map<string, number>;
  rssMb(): { now: number; peak: number };
  stop(): Promise<void>;
}

function spawnWorker(apiUrl: string, pool: string, name: string): Promise<WorkerProcess> {
  const child = spawn(
    process.execPath,
    [join(REPO, "packages/cli/bin/ecsflow.js"), "worker", "start", "--pool", pool, "--type", "process", "--name", name, "--poll-interval", String(POLL_INTERVAL_SECONDS)],
    { env: { ...process.env, PREFECT_API_URL: apiUrl, ECSFLOW_LOGGING_FORMAT: "json", ECSFLOW_LOGGING_LEVEL: "info" }, stdio: ["ignore", "pipe", "pipe"] },
  );
  const started = new Map<string, number>();
  let stderr = "";
  child.stderr!.on("data", (c) => (stderr += c));
  return new Promise((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`worker exited with ${code}: ${stderr.slice(-2000)}`)));
    createInterface({ input: child.stdout! }).on("line", (line) => {
      let entry: { msg?: string; flowRunId?: string; time?: number };
      try {
        entry = JSON.parse(line);
      } catch {
        return;
      }
      if (entry.msg === "infrastructure started" && entry.flowRunId && entry.time) started.set(entry.flowRunId, entry.time);
      if (entry.msg?.startsWith("listening for run events")) {
        const readKb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${child.pid}/status`, "utf8"))?.[1] ?? NaN) / 1024;
        resolve({
          child,
          started,
          rssMb: () => ({ now: readKb("VmRSS"), peak: readKb("VmHWM") }),
          stop: () =>
            new Promise<void>((r) => {
              child.removeAllListeners("exit");
              if (child.exitCode !== null) return r();
              child.once("exit", () => r());
              child.kill("SIGTERM");
            }),
        });
      }
    });
  });
}

async function measure(workerCount: number): Promise<BenchRow[]> {
  const db = await scratchDatabase("sqlite");
  const server = await spawnServer(db.url);
  const workers: WorkerProcess[] = [];
  try {
    const pool = `dispatch-${workerCount}`;
    await api(server.apiUrl, "POST", "/work_pools/", { name: pool, type: "process" });
    const flow = await api(server.apiUrl, "POST", "/flows/", { name: "dispatch" });
    const deployment = await api(server.apiUrl, "POST", "/deployments/", { name: "d", flow_id: flow.id, work_pool_name: pool, job_variables: { command: "true" } });
    // Started together: each waits for its own "listening" line, so this only saves waiting.
    workers.push(...(await Promise.all(Array.from({ length: workerCount }, (_, i) => spawnWorker(server.apiUrl, pool, `bench-w${i}`)))));
    await new Promise((r) => setTimeout(r, QUICK ? 1000 : 2000));
    const idle = workers.map((w) => w.rssMb().now);

    const due = new Map<string, number>();
    const t0 = Date.now();
    for (let i = 0; i < RUNS; i++) {
      const wait = t0 + (i * 1000) / RATE_PER_SECOND - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const run = await api(server.apiUrl, "POST", `/deployments/${deployment.id}/create_flow_run`, {});
      due.set(run.id, Date.parse(run.expected_start_time));
    }
    const deadline = Date.now() + 120_000;
    const startedCount = () => workers.reduce((n, w) => n + w.started.size, 0);
    while (startedCount() < RUNS && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const latencies: number[] = [];
    const launches = new Map<string, number>();
    for (const w of workers) {
      for (const [id, at] of w.started) {
        launches.set(id, (launches.get(id) ?? 0) + 1);
        const d = due.get(id);
        if (d !== undefined) latencies.push(at - d);
      }
    }
    latencies.sort((a, b) => a - b);
    const duplicates = [...launches.values()].filter((n) => n > 1).length;
    const peak = Math.max(...workers.map((w) => w.rssMb().peak));
    const variant = `${workerCount} worker${workerCount > 1 ? "s" : ""}`;
    const p50 = percentile(latencies, 50);
    const p99 = percentile(latencies, 99);
    return [
      { metric: "run due → infrastructure started p50", variant, value: p50, unit: "ms", ...goal(p50, "<=", 50) },
      { metric: "run due → infrastructure started p90", variant, value: percentile(latencies, 90), unit: "ms" },
      { metric: "run due → infrastructure started p99", variant, value: p99, unit: "ms", ...goal(p99, "<=", 250) },
      { metric: "run due → infrastructure started max", variant, value: latencies.at(-1) ?? NaN, unit: "ms" },
      { metric: "runs started", variant, value: launches.size, unit: `of ${RUNS}`, ...goal(launches.size, ">=", RUNS) },
      { metric: "runs started twice", variant, value: duplicates, unit: "runs", ...goal(duplicates, "<=", 0) },
      { metric: "worker RSS idle (max over workers)", variant, value: Math.max(...idle), unit: "MB", ...goal(Math.max(...idle), "<=", 80) },
      { metric: "worker RSS peak under load", variant, value: peak, unit: "MB" },
    ];
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
    await server.stop();
    await db.drop();
  }
}

const rows = [...(await measure(1)), ...(await measure(3))];
report("dispatch", rows, { runs: RUNS, ratePerSecond: RATE_PER_SECOND, pollIntervalSeconds: POLL_INTERVAL_SECONDS, engine: "sqlite", infrastructure: "process (command: true)", loadAverage: readFileSync("/proc/loadavg", "utf8").trim() });
