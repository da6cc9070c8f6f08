// bench `server`: 10,000 scheduled runs; get_scheduled_flow_runs latency (limit 200);
// PENDING → RUNNING → COMPLETED throughput with 8 concurrent HTTP clients; server RSS.
// On SQLite and PostgreSQL. `--quick` (a smoke check, under 2 minutes for all suites) uses 250 runs.
import { randomUUID } from "node:crypto";
import { goal, isQuick, percentile, report, type BenchRow } from "./support/report.js";
import { api, pool, scratchDatabase, spawnServer } from "./support/spawn-server.js";
import { loadAverage1m, processCpuSeconds } from "./support/process-cpu.js";

const quick = isQuick();
const RUNS = quick ? 250 : 10_000;
const TRANSITION_RUNS = quick ? 40 : 3_000;
const POLLS = quick ? 20 : 200;
const CLIENTS = 8;

async function benchEngine(engine: "sqlite" | "postgresql"): Promise<BenchRow[]> {
  const database = await scratchDatabase(engine);
  const server = await spawnServer(database.url);
  const rows: BenchRow[] = [];
  try {
    const { apiUrl } = server;
    const idle = server.rssMb().now;
    await api(apiUrl, "POST", "/work_pools/", { name: "bench", type: "process" });
    const flow = await api(apiUrl, "POST", "/flows/", { name: "bench-flow" });
    const deployment = await api(apiUrl, "POST", "/deployments/", { name: "bench", flow_id: flow.id, work_pool_name: "bench" });

    // Scheduled over the last hour, so every run is due.
    const now = Date.now();
    const ids: string[] = new Array(RUNS);
    const t0 = performance.now();
    await pool(RUNS, 16, async (i) => {
      const scheduled = new Date(now - 3_600_000 + Math.floor((i / RUNS) * 3_600_000)).toISOString();
      const run = await api(apiUrl, "POST", `/deployments/${deployment.id}/create_flow_run`, {
        state: { type: "SCHEDULED", name: "Scheduled", state_details: { scheduled_time: scheduled } },
      });
      ids[i] = run.id;
    });
    const createSeconds = (performance.now() - t0) / 1000;
    rows.push({ metric: "runs created (16 clients)", variant: engine, value: RUNS / createSeconds, unit: "runs/s" });

    const latencies: number[] = [];
    for (let i = 0; i < POLLS; i++) {
      const s = performance.now();
      const got = await api<unknown[]>(apiUrl, "POST", "/work_pools/bench/get_scheduled_flow_runs", { limit: 200 });
      latencies.push(performance.now() - s);
      if (got.length !== 200) throw new Error(`expected 200 scheduled runs, got ${got.length}`);
    }
    latencies.sort((a, b) => a - b);
    const p50 = percentile(latencies, 50);
    const p99 = percentile(latencies, 99);
    rows.push({ metric: `get_scheduled_flow_runs p50 (${RUNS} scheduled, limit 200)`, variant: engine, value: p50, unit: "ms", ...goal(p50, "<=", 388) });
    rows.push({ metric: `get_scheduled_flow_runs p99 (${RUNS} scheduled, limit 200)`, variant: engine, value: p99, unit: "ms", ...goal(p99, "<=", 794) });

    const propose = (id: string, type: string) => api(apiUrl, "POST", `/flow_runs/${id}/set_state`, { state: { type, state_details: { transition_id: randomUUID() } } });
    let accepted = 0;
    const cpuBefore = processCpuSeconds(server.pid);
    const t1 = performance.now();
    await pool(TRANSITION_RUNS, CLIENTS, async (i) => {
      for (const type of ["PENDING", "RUNNING", "COMPLETED"]) {
        const r = await propose(ids[i], type);
        if (r.status !== "ACCEPT") throw new Error(`${type} for ${ids[i]} → ${r.status}: ${JSON.stringify(r.details)}`);
        accepted++;
      }
    });
    const tps = accepted / ((performance.now() - t1) / 1000);
    const cpuMicros = ((processCpuSeconds(server.pid) - cpuBefore) / accepted) * 1e6;
    rows.push({ metric: `state transitions/s (${CLIENTS} clients)`, variant: engine, value: tps, unit: "transitions/s", ...(engine === "sqlite" ? goal(tps, ">=", 1500) : {}) });
    rows.push({ metric: "server CPU per transition", variant: engine, value: cpuMicros, unit: "µs" });
    rows.push({ metric: "load average (1 min) after transitions", variant: engine, value: loadAverage1m(), unit: "" });

    const rss = server.rssMb();
    rows.push({ metric: "server RSS idle (after start)", variant: engine, value: idle, unit: "MB" });
    rows.push({ metric: "server RSS peak", variant: engine, value: rss.peak, unit: "MB" });
  } finally {
    await server.stop();
    await database.drop();
  }
  return rows;
}

const rows = [...(await benchEngine("sqlite")), ...(await benchEngine("postgresql"))];
report("server", rows, { runs: RUNS, transitionRuns: TRANSITION_RUNS, polls: POLLS, clients: CLIENTS });
