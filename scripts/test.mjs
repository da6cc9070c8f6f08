#!/usr/bin/env node
// `npm test`: build (which typechecks src), typecheck tests, lint, then every test.
// Ends with one plain line "tests: N passed, N failed, N skipped" and lists each skipped test with
// its reason, so that a skip is never silent.
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, existsSync } from "node:fs";

const extra = process.argv.slice(2);
const run = (label, cmd, args) => {
  process.stdout.write(`\n== ${label}: ${cmd} ${args.join(" ")}\n`);
  const r = spawnSync(cmd, args, { stdio: "inherit" });
  return r.status ?? 1;
};

const steps = [
  ["build", "npx", ["tsc", "-b", "tsconfig.build.json"]],
  ["typecheck", "npx", ["tsc", "-p", "tsconfig.json", "--noEmit"]],
  ["lint", "npx", ["eslint", "."]],
];
if (!process.env.ECSFLOW_TEST_SKIP_CHECKS) {
  for (const [label, cmd, args] of steps) {
    if (run(label, cmd, args) !== 0) {
      console.log(`\n${label} failed`);
      console.log("tests: 0 passed, 1 failed");
      process.exit(1);
    }
  }
}

mkdirSync(".test-results", { recursive: true });
const out = ".test-results/vitest.json";
const status = run("tests", "npx", ["vitest", "run", "--reporter=default", "--reporter=json", `--outputFile=${out}`, ...extra]);

let passed = 0, failed = 0, skipped = 0;
const skippedNames = [];
if (existsSync(out)) {
  const report = JSON.parse(readFileSync(out, "utf8"));
  for (const file of report.testResults ?? []) {
    for (const t of file.assertionResults ?? []) {
      if (t.status === "passed") passed++;
      else if (t.status === "failed") failed++;
      else { skipped++; skippedNames.push(t.fullName); }
    }
    // A file that failed to load has no assertion results; count it as a failure.
    if ((file.assertionResults ?? []).length === 0 && file.status === "failed") failed++;
  }
}
if (skippedNames.length) {
  console.log(`\nSkipped (${skippedNames.length}):`);
  for (const n of skippedNames) console.log(`  - ${n}`);
}
if (status !== 0 && failed === 0) failed = 1;
console.log(`\ntests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(status !== 0 || failed > 0 ? 1 : passed === 0 ? 1 : 0);
