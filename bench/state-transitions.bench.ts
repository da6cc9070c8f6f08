// State transitions per second through the HTTP API: 8 concurrent clients each take runs
// SCHEDULED → PENDING → RUNNING → COMPLETED, against a server in its own process (so the
// clients' CPU does not count against it), on SQLite (the server's default durability) and,
// when reachable, PostgreSQL. A warm-up round first (not counted), so the figures are the
// server's steady state rather than its JIT compiling. The server's CPU time per transition is
// the figure to compare between runs on a shared machine; rates come with the load average.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import pg from "pg";
import { spawnServerProcess } from "../test/support/spawn-server-process.js";
import { goal, isQuick, percentile, report, type BenchRow } from "./support/report.js";
import { loadAverage1m, processCpuSeconds } from "./support/process-cpu.js";

const CLIENTS = 8;
const RUNS_PER_CLIENT = isQuick() ? 8 : 250;
const WARM_UP_RUNS_PER_CLIENT = isQuick() ? 3 : 60;
const PG_URL = process.env.ECSFLOW_TEST_PG_URL ?? "postgresql://postgres@127.0.0.1:5432/test";

async function post(apiUrl: string, path: string, body: unknown): Promise<any> {
  const res = await fetch(`${apiUrl}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  const json = await res.json();
  if (res.status >= 300) throw new Error(`${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

async function measure(variant: string, url: string, synchronous: "FULL" | "NORMAL"): Promise<BenchRow[]> {
  const server = await spawnServerProcess(url, { sqliteSynchronous: synchronous });
  try {
    const flow = await post(server.apiUrl, "/flows/", { name: "bench" });
    const createRuns = async (perClient: number) => {
      const runs: string[][] = [];
      for (let c = 0; c < CLIENTS; c++) {
        runs.push(await Promise.all(Array.from({ length: perClient }, async () => (await post(server.apiUrl, "/flow_runs/", { flow_id: flow.id, state: { type: "SCHEDULED" } })).id)));
      }
      return runs;
    };
    const drive = (runs: string[][], latencies: number[]) =>
      Promise.all(
        runs.map(async (ids) => {
          for (const id of ids) {
            for (const type of ["PENDING", "RUNNING", "COMPLETED"]) {
              const t = performance.now();
              const r = await post(server.apiUrl, `/flow_runs/${id}/set_state`, { state: { type } });
              latencies.push(performance.now() - t);
              if (r.status !== "ACCEPT") throw new Error(`${type} was ${r.status}`);
            }
          }
        }),
      );
    await drive(await createRuns(WARM_UP_RUNS_PER_CLIENT), []);
    const runs = await createRuns(RUNS_PER_CLIENT);
    const latencies: number[] = [];
    const loadBefore = loadAverage1m();
    const cpuBefore = processCpuSeconds(server.pid);
    const started = performance.now();
    await drive(runs, latencies);
    const seconds = (performance.now() - started) / 1000;
    const serverCpuMicros = ((processCpuSeconds(server.pid) - cpuBefore) / latencies.length) * 1e6;
    const rate = latencies.length / seconds;
    latencies.sort((a, b) => a - b);
    return [
      { metric: "state transitions", variant, value: rate, unit: "/s", ...(variant.startsWith("sqlite") ? goal(rate, ">=", 1500) : {}) },
      { metric: "server CPU per transition", variant, value: serverCpuMicros, unit: "µs" },
      { metric: "set_state p50", variant, value: percentile(latencies, 50), unit: "ms" },
      { metric: "set_state p99", variant, value: percentile(latencies, 99), unit: "ms" },
      // What one server process sustains when it has a core to itself: the load-independent rate.
      { metric: "transitions per server CPU-second", variant, value: 1e6 / serverCpuMicros, unit: "/CPU·s" },
      { metric: "load average (1 min), start → end", variant, value: loadAverage1m(), unit: `(from ${loadBefore})` },
    ];
  } finally {
    await server.stop();
  }
}

const rows: BenchRow[] = [];
for (const synchronous of ["FULL", "NORMAL"] as const) {
  const dir = mkdtempSync(join(tmpdir(), "ecsflow-bench-"));
  try {
    rows.push(...(await measure(`sqlite synchronous=${synchronous}, ${CLIENTS} clients`, `sqlite://${join(dir, "bench.db")}`, synchronous)));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
const admin = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 2000 });
const schema = `bench_${randomBytes(4).toString("hex")}`;
try {
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  rows.push(...(await measure(`postgresql, ${CLIENTS} clients`, `${PG_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}`, "FULL")));
} catch (error) {
  console.warn(`PostgreSQL skipped: ${(error as Error).message}`);
} finally {
  await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => undefined);
  await admin.end().catch(() => undefined);
}
report("state-transitions", rows, { clients: CLIENTS, runsPerClient: RUNS_PER_CLIENT });
