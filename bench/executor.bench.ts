// Executor start-up: from spawning `ecsflow flow-run execute` to the flow's first line, for a
// TypeScript entrypoint (through tsx) and a JavaScript one, against a real server. Goal ≤ 300 ms.
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { goal, isQuick, percentile, report, type BenchRow } from "./support/report.js";
import { api, REPO, scratchDatabase, spawnServer } from "./support/spawn-server.js";

const RUNS = isQuick() ? 3 : 10;
const sdk = JSON.stringify(join(REPO, "dist/sdk/index.js"));
const dir = mkdtempSync(join(tmpdir(), "ecsflow-bench-exec-"));
// The flow's first line records the wall clock; the run's result carries it back through the API.
writeFileSync(join(dir, "first-line.ts"), `import { flow } from ${sdk};\nexport const first = flow({ name: "first-line-ts" }, async () => ({ at: Date.now() }));\n`);
writeFileSync(join(dir, "first-line.mjs"), `import { flow } from ${sdk};\nexport const first = flow({ name: "first-line-js" }, async () => ({ at: Date.now() }));\n`);

const database = await scratchDatabase("sqlite");
const server = await spawnServer(database.url);
const rows: BenchRow[] = [];
try {
  for (const [variant, file] of [["TypeScript (tsx)", "first-line.ts"], ["JavaScript", "first-line.mjs"]] as const) {
    const flow = await api(server.apiUrl, "POST", "/flows/", { name: `bench-${file}` });
    const dep = await api(server.apiUrl, "POST", "/deployments/", { name: "bench", flow_id: flow.id, entrypoint: `${file}:first`, path: dir });
    const toFirstLine: number[] = [];
    const total: number[] = [];
    for (let i = 0; i < RUNS + 1; i++) {
      const run = await api(server.apiUrl, "POST", `/deployments/${dep.id}/create_flow_run`, {});
      const start = Date.now();
      const code = await new Promise<number | null>((resolve) => {
        const child = spawn(process.execPath, [join(REPO, "bin/ecsflow.js"), "flow-run", "execute"], {
          env: { PATH: process.env.PATH ?? "", PREFECT_API_URL: server.apiUrl, PREFECT__FLOW_RUN_ID: run.id, ECSFLOW_HOME: dir },
          stdio: "ignore",
        });
        child.on("exit", resolve);
      });
      const end = Date.now();
      const done = await api(server.apiUrl, "GET", `/flow_runs/${run.id}`);
      if (code !== 0 || done.state_type !== "COMPLETED") throw new Error(`run ${run.id} ended ${done.state_type} (exit ${code})`);
      if (i === 0) continue; // the first run warms the OS file cache
      toFirstLine.push(done.state.data.at - start);
      total.push(end - start);
    }
    toFirstLine.sort((a, b) => a - b);
    total.sort((a, b) => a - b);
    const p50 = percentile(toFirstLine, 50);
    rows.push({ metric: "process start → flow's first line p50", variant, value: p50, unit: "ms", ...goal(p50, "<=", 300) });
    rows.push({ metric: "process start → flow's first line p90", variant, value: percentile(toFirstLine, 90), unit: "ms" });
    rows.push({ metric: "process start → exit p50", variant, value: percentile(total, 50), unit: "ms" });
  }
} finally {
  await server.stop();
  await database.drop();
}
// The floor on this machine: starting Node itself and exiting, which no executor can beat.
const bare: number[] = [];
for (let i = 0; i < RUNS; i++) {
  const start = Date.now();
  await new Promise((resolve) => spawn(process.execPath, ["-e", "0"], { stdio: "ignore" }).on("exit", resolve));
  bare.push(Date.now() - start);
}
bare.sort((a, b) => a - b);
rows.push({ metric: "bare `node -e 0` start → exit p50 (baseline)", value: percentile(bare, 50), unit: "ms" });
report("executor", rows, { runs: RUNS });
