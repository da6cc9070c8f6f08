#!/usr/bin/env node
// `npm run bench [-- --quick] [-- SUITE…]`: runs each bench/<suite>.bench.ts in its own process
// (so one suite's memory does not colour the next), each printing a table and writing
// bench/results/<suite>.json; then prints the summary of them all and writes it to
// bench/results/SUMMARY.md (bench/support/summary.ts).
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { tsImport } from "tsx/esm/api";

const args = process.argv.slice(2);
const flags = args.filter((a) => a.startsWith("--"));
const wanted = args.filter((a) => !a.startsWith("--"));
const quick = flags.includes("--quick") || process.env.ECSFLOW_BENCH_QUICK === "1";
const suites = readdirSync(new URL("../bench/", import.meta.url))
  .filter((f) => f.endsWith(".bench.ts"))
  .map((f) => f.replace(/\.bench\.ts$/, ""))
  .filter((s) => wanted.length === 0 || wanted.includes(s))
  .sort();
if (suites.length === 0) {
  console.error(`No bench suite matches ${wanted.join(", ") || "(any)"}; suites live in bench/<suite>.bench.ts.`);
  process.exit(2);
}
const resultsDir = fileURLToPath(new URL("../bench/results/", import.meta.url));
const round2 = (l) => l.map((v) => Math.round(v * 100) / 100);
const startedAt = new Date().toISOString();
const loadAtStart = round2(loadavg());
const t0 = performance.now();
const runs = [];
for (const suite of suites) {
  console.log(`\n=== ${suite}`);
  const s = performance.now();
  // node --import tsx rather than npx tsx: npx's own start-up costs a second or more per suite here.
  const r = spawnSync(process.execPath, ["--conditions=ecsflow-source", "--import", "tsx", `bench/${suite}.bench.ts`, ...flags], { stdio: "inherit" });
  const seconds = (performance.now() - s) / 1000;
  runs.push({ suite, seconds, ok: r.status === 0 });
  if (r.status !== 0) console.error(`suite ${suite} failed (exit ${r.status ?? r.signal})`);
}
const wallSeconds = (performance.now() - t0) / 1000;

// Only this run's files: a suite that failed before writing keeps an older file, left out here.
const results = [];
for (const { suite } of runs) {
  const file = `${resultsDir}${suite}.json`;
  if (!existsSync(file)) continue;
  const result = JSON.parse(readFileSync(file, "utf8"));
  if (Date.parse(result.at) >= Date.parse(startedAt)) results.push(result);
}
const { buildSummary } = await tsImport("../bench/support/summary.ts", import.meta.url);
const summary = buildSummary({ results, runs, quick, wallSeconds, startedAt, loadAtStart, loadAtEnd: round2(loadavg()) });
mkdirSync(resultsDir, { recursive: true });
writeFileSync(`${resultsDir}SUMMARY.md`, summary);
console.log(`\n${summary}\n(written to bench/results/SUMMARY.md)`);
process.exit(runs.some((r) => !r.ok) ? 1 : 0);
