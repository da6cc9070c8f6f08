#!/usr/bin/env node
// `npm run bench [-- --quick] [-- SUITE…]`: runs each bench/<suite>.bench.ts in its own process
// (so one suite's memory does not colour the next), each printing a table and writing
// bench/results/<suite>.json.
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";

const args = process.argv.slice(2);
const flags = args.filter((a) => a.startsWith("--"));
const wanted = args.filter((a) => !a.startsWith("--"));
const suites = readdirSync(new URL("../bench/", import.meta.url))
  .filter((f) => f.endsWith(".bench.ts"))
  .map((f) => f.replace(/\.bench\.ts$/, ""))
  .filter((s) => wanted.length === 0 || wanted.includes(s))
  .sort();
if (suites.length === 0) {
  console.error(`No bench suite matches ${wanted.join(", ") || "(any)"}; suites live in bench/<suite>.bench.ts.`);
  process.exit(2);
}
let failed = 0;
for (const suite of suites) {
  console.log(`\n=== ${suite}`);
  const r = spawnSync("npx", ["tsx", `bench/${suite}.bench.ts`, ...flags], { stdio: "inherit" });
  if (r.status !== 0) {
    failed++;
    console.error(`suite ${suite} failed (exit ${r.status})`);
  }
}
process.exit(failed ? 1 : 0);
