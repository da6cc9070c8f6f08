// `npm run bench -- get-scheduled-flow-runs`: a worker's poll (limit 200) against 10,000 SCHEDULED
// runs, over HTTP, on each engine; Prefect 2.13.8 took p50 388 ms / p99 794 ms on SQLite here.
// `--quick` stores 1,000 and polls 20 times.
import { sql } from "kysely";
import { insertFlow, insertFlowRuns, type InsertFlowRunOptions } from "../test/support/fixtures/insert-flow-run.js";
import { ENGINES } from "../test/support/test-database.js";
import { startTestServer } from "../test/support/test-server.js";
import { goal, isQuick, percentile, report, type BenchRow } from "./support/report.js";

const QUICK = isQuick();
const SCHEDULED_RUNS = QUICK ? 1_000 : 10_000;
const FINISHED_RUNS = QUICK ? 500 : 5_000;
const rows: BenchRow[] = [];

for (const { engine, available } of ENGINES) {
  if (!available) continue;
  const server = await startTestServer(engine);
  try {
    const pool = (await server.request("POST", "/work_pools/", { name: "bench", type: "process", concurrency_limit: 1000 })).body;
    const queue = (await server.request("GET", "/work_pools/bench/queues/default")).body;
    const second = (await server.request("POST", "/work_pools/bench/queues", { name: "second" })).body;
    const db = server.database.db;
    const flowId = await insertFlow(db);
    const now = Date.now();
    // Due over the last ~2.8 hours, one a second; a second queue and finished runs for realism.
    const runs: InsertFlowRunOptions[] = Array.from({ length: SCHEDULED_RUNS }, (_, i) => ({ flowId, workQueue: i % 10 === 0 ? second : queue, scheduledTime: now - (SCHEDULED_RUNS - i) * 1000 }));
    for (let i = 0; i < 200; i++) runs.push({ flowId, workQueue: queue, stateType: "RUNNING" });
    for (let i = 0; i < FINISHED_RUNS; i++) runs.push({ flowId, workQueue: queue, stateType: "COMPLETED" });
    await insertFlowRuns(db, runs);
    await sql`analyze`.execute(db);
    if (pool.id === undefined) throw new Error("pool not created");

    const body = () => ({ scheduled_before: new Date(Date.now() + 10_000).toISOString(), limit: 200 });
    const pollOnce = async () => {
      const t = performance.now();
      const r = await server.request("POST", "/work_pools/bench/get_scheduled_flow_runs", body());
      const ms = performance.now() - t;
      if (r.status !== 200 || r.body.length !== 200) throw new Error(`poll answered ${r.status} with ${r.body?.length} runs`);
      return ms;
    };
    const n = QUICK ? 24 : 300;
    for (let i = 0; i < (QUICK ? 4 : 10); i++) await pollOnce();
    const sequential: number[] = [];
    for (let i = 0; i < n; i++) sequential.push(await pollOnce());
    sequential.sort((a, b) => a - b);
    const p50 = percentile(sequential, 50);
    const p99 = percentile(sequential, 99);
    rows.push({ metric: `HTTP poll latency p50 (1 client, ${SCHEDULED_RUNS} scheduled)`, variant: engine, value: p50, unit: "ms", ...goal(p50, "<=", 50) });
    rows.push({ metric: `HTTP poll latency p99 (1 client, ${SCHEDULED_RUNS} scheduled)`, variant: engine, value: p99, unit: "ms", ...goal(p99, "<=", 100) });

    // Eight concurrent pollers through Fastify's inject: the server's own cost, without the
    // bench client's HTTP and JSON parsing, which would share this process's one thread.
    const clients = 8;
    const url = "/api/work_pools/bench/get_scheduled_flow_runs";
    const concurrent: number[] = [];
    const started = performance.now();
    await Promise.all(
      Array.from({ length: clients }, async () => {
        for (let i = 0; i < n / clients; i++) {
          const t = performance.now();
          const r = await server.app.inject({ method: "POST", url, payload: body() });
          concurrent.push(performance.now() - t);
          if (r.statusCode !== 200) throw new Error(`poll answered ${r.statusCode}`);
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    concurrent.sort((a, b) => a - b);
    rows.push({ metric: "server polls/s (8 clients, inject)", variant: engine, value: concurrent.length / seconds, unit: "1/s" });
    rows.push({ metric: "server latency p99 (8 clients, inject)", variant: engine, value: percentile(concurrent, 99), unit: "ms" });
  } finally {
    await server.close();
  }
}

report("get-scheduled-flow-runs", rows, { scheduledRuns: SCHEDULED_RUNS, finishedRuns: FINISHED_RUNS, limit: 200 });
