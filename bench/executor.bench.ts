// Executor start-up: from spawning `ecsflow flow-run execute` to the flow's first line, for a
// TypeScript entrypoint (built once by esbuild into .ecsflow/build/, then plain JavaScript), the
// same with that build cache emptied before every run (an image built without `ecsflow deploy`
// having run), the same through tsx's loader (the fallback without esbuild, and the only way
// before), and a JavaScript one, against a real server. Goal ≤ 300 ms.
//
// Wall-clock figures on a shared machine are noisy, so each run also reports the executor's CPU
// time up to the flow's first line (its own user+system time plus that of children it waited
// for, i.e. esbuild), read inside the flow itself.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { goal, isQuick, percentile, report, type BenchRow } from "./support/report.js";
import { api, REPO, scratchDatabase, spawnServer } from "./support/spawn-server.js";

const RUNS = isQuick() ? 3 : 15;
const dir = mkdtempSync(join(tmpdir(), "ecsflow-bench-exec-"));
// A flow project with the SDK installed, as a user's is (here the checkout's node_modules).
symlinkSync(join(REPO, "node_modules"), join(dir, "node_modules"), "dir");
// The flow's first line records the wall clock and the process's CPU time so far; the run's
// result carries them back through the API. Children's CPU (esbuild) comes from /proc/self/stat.
const firstLine = (name: string) => `import { flow } from "@ecsflow/sdk";
import { readFileSync } from "node:fs";
export const first = flow({ name: ${JSON.stringify(name)} }, async () => {
  const at = Date.now();
  const cpu = process.cpuUsage();
  let childrenMs = 0;
  try {
    const stat = readFileSync("/proc/self/stat", "utf8");
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    childrenMs = ((Number(f[13]) || 0) + (Number(f[14]) || 0)) * 10; // cutime + cstime, in 10 ms ticks
  } catch {}
  return { at, cpuMs: (cpu.user + cpu.system) / 1000 + childrenMs };
});
`;
writeFileSync(join(dir, "first-line.ts"), firstLine("first-line-ts"));
writeFileSync(join(dir, "first-line.mjs"), firstLine("first-line-js"));

const VARIANTS: { variant: string; file: string; cold: boolean; env?: Record<string, string> }[] = [
  { variant: "TypeScript (build cached)", file: "first-line.ts", cold: false },
  { variant: "TypeScript (cold: builds first)", file: "first-line.ts", cold: true },
  // No esbuild binary: tsx's loader, the fallback (and how every .ts entrypoint loaded before).
  { variant: "TypeScript (tsx loader fallback)", file: "first-line.ts", cold: false, env: { ECSFLOW_ESBUILD_BINARY: join(dir, "no-esbuild") } },
  { variant: "JavaScript", file: "first-line.mjs", cold: false },
];

const database = await scratchDatabase("sqlite");
const server = await spawnServer(database.url);
const rows: BenchRow[] = [];
const samples: Record<string, { toFirstLineMs: number[]; cpuToFirstLineMs: number[]; totalMs: number[] }> = {};
try {
  for (const { variant, file, cold, env } of VARIANTS) {
    const flow = await api(server.apiUrl, "POST", "/flows/", { name: `bench-${variant}` });
    const dep = await api(server.apiUrl, "POST", "/deployments/", { name: "bench", flow_id: flow.id, entrypoint: `${file}:first`, path: dir });
    const toFirstLine: number[] = [];
    const cpu: number[] = [];
    const total: number[] = [];
    for (let i = 0; i < RUNS + 1; i++) {
      if (cold || env) rmSync(join(dir, ".ecsflow"), { recursive: true, force: true });
      const run = await api(server.apiUrl, "POST", `/deployments/${dep.id}/create_flow_run`, {});
      const start = Date.now();
      const code = await new Promise<number | null>((resolve) => {
        const child = spawn(process.execPath, [join(REPO, "packages/cli/bin/ecsflow.js"), "flow-run", "execute"], {
          env: { PATH: process.env.PATH ?? "", PREFECT_API_URL: server.apiUrl, PREFECT__FLOW_RUN_ID: run.id, ECSFLOW_HOME: dir, ...env },
          stdio: "ignore",
        });
        child.on("exit", resolve);
      });
      const end = Date.now();
      const done = await api(server.apiUrl, "GET", `/flow_runs/${run.id}`);
      if (code !== 0 || done.state_type !== "COMPLETED") throw new Error(`run ${run.id} ended ${done.state_type} (exit ${code})`);
      if (i === 0) continue; // the first run warms the OS file cache (and, unless cold, the build cache)
      toFirstLine.push(done.state.data.at - start);
      cpu.push(done.state.data.cpuMs);
      total.push(end - start);
    }
    samples[variant] = { toFirstLineMs: [...toFirstLine], cpuToFirstLineMs: [...cpu], totalMs: [...total] };
    for (const list of [toFirstLine, cpu, total]) list.sort((a, b) => a - b);
    const p50 = percentile(toFirstLine, 50);
    rows.push({ metric: "process start → flow's first line p50", variant, value: p50, unit: "ms", ...goal(p50, "<=", 300) });
    rows.push({ metric: "process start → flow's first line p90", variant, value: percentile(toFirstLine, 90), unit: "ms" });
    rows.push({ metric: "CPU time to flow's first line p50", variant, value: Math.round(percentile(cpu, 50)), unit: "ms" });
    rows.push({ metric: "process start → exit p50", variant, value: percentile(total, 50), unit: "ms" });
  }
} finally {
  await server.stop();
  await database.drop();
  rmSync(dir, { recursive: true, force: true });
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
report("executor", rows, { runs: RUNS, samples, bareNodeMs: bare });
