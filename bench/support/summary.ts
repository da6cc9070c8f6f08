// The markdown summary `npm run bench` prints and writes to bench/results/SUMMARY.md after its
// suites: one table of every figure with its goal beside it, and what the figures were measured
// on (mode, host, load), since timings from a shared machine mean little without it. A pure
// function of the suites' result JSONs, so it is tested without running a bench.

import type { BenchRow } from "./report.js";

/** bench/results/<suite>.json as report() writes it. */
export interface SuiteResult {
  suite: string;
  at: string;
  node: string;
  quick: boolean;
  host: {
    platform: string;
    cpus: number;
    cpuModel: string;
    memoryMiB: number;
    loadAverageAtStart: number[];
    loadAverageAtEnd: number[];
  };
  meta?: Record<string, unknown>;
  rows: BenchRow[];
}

/** How one suite's process went, as the runner saw it. */
export interface SuiteRun {
  suite: string;
  seconds: number;
  ok: boolean;
}

export interface SummaryInput {
  /** The result files of the suites that ran (a failed suite may have left none). */
  results: SuiteResult[];
  /** Every suite the runner started, in order, with its wall time and exit status. */
  runs: SuiteRun[];
  quick: boolean;
  /** The whole run's wall time. */
  wallSeconds: number;
  /** When the run started (ISO). */
  startedAt: string;
  /** The 1/5/15-minute load averages when the run started and ended. */
  loadAtStart: number[];
  loadAtEnd: number[];
}

export function formatValue(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v)) return String(v);
  return v.toFixed(Math.abs(v) < 10 ? 2 : 1);
}

// Table cells hold metric names and variants as the suites wrote them; a "|" would split the cell.
const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");
const loads = (l: number[]) => l.map((v) => v.toFixed(2)).join(" / ");

export function buildSummary(input: SummaryInput): string {
  const { results, runs, quick, wallSeconds } = input;
  const byName = new Map(results.map((r) => [r.suite, r]));
  const rows = runs.flatMap((run) => (byName.get(run.suite)?.rows ?? []).map((row) => ({ suite: run.suite, row })));
  // Results of suites the runner did not start this time (an earlier run's) are left out: they were measured under other conditions.
  const withGoal = rows.filter(({ row }) => row.met !== undefined);
  const missed = withGoal.filter(({ row }) => row.met === false);
  const failed = runs.filter((r) => !r.ok);
  const noResult = runs.filter((r) => r.ok && !byName.has(r.suite));
  const host = results[0]?.host;
  const mismatched = results.filter((r) => runs.some((run) => run.suite === r.suite) && r.quick !== quick);

  const out: string[] = [];
  out.push(`# ecsflow benchmarks (${quick ? "quick" : "full"})`, "");
  out.push(`- Mode: **${quick ? "quick" : "full"}**${quick ? " (fewer runs and iterations: figures for a smoke check, not for comparing with the goals' sources)" : ""}`);
  out.push(`- Started: ${input.startedAt}; wall time ${formatValue(wallSeconds)} s for ${runs.length} suite${runs.length === 1 ? "" : "s"}`);
  if (host) {
    out.push(`- Host: ${host.platform}, ${host.cpus} CPU${host.cpus === 1 ? "" : "s"} (${host.cpuModel}), ${(host.memoryMiB / 1024).toFixed(1)} GiB memory; Node ${results[0].node}`);
  }
  out.push(`- Load average (1 / 5 / 15 min): ${loads(input.loadAtStart)} at the start, ${loads(input.loadAtEnd)} at the end${host && input.loadAtEnd[0] > host.cpus ? ` — more runnable processes than CPUs: timings are slower than on an idle machine` : ""}`);
  out.push(`- Goals: ${withGoal.length - missed.length} of ${withGoal.length} met${missed.length ? `; missed: ${missed.map(({ suite, row }) => `${suite} / ${row.metric}${row.variant ? ` (${row.variant})` : ""}`).join("; ")}` : ""}`);
  if (failed.length) out.push(`- **Failed suites** (no figures, or figures up to the failure): ${failed.map((f) => f.suite).join(", ")}`);
  if (noResult.length) out.push(`- Suites that exited 0 without writing results: ${noResult.map((f) => f.suite).join(", ")}`);
  if (mismatched.length) out.push(`- Results from a ${quick ? "full" : "quick"} run mixed in: ${mismatched.map((r) => r.suite).join(", ")}`);
  out.push("");

  out.push("| suite | metric | variant | value | unit | goal | met |");
  out.push("|---|---|---|---:|---|---|---|");
  for (const { suite, row } of rows) {
    const met = row.met === undefined ? "" : row.met ? "yes" : "**NO**";
    out.push(`| ${cell(suite)} | ${cell(row.metric)} | ${cell(row.variant ?? "")} | ${formatValue(row.value)} | ${cell(row.unit)} | ${cell(row.goal ?? "")} | ${met} |`);
  }
  out.push("");

  out.push("| suite | wall time | exit | load average at start → end (1 min) |");
  out.push("|---|---:|---|---|");
  for (const run of runs) {
    const r = byName.get(run.suite);
    const load = r ? `${r.host.loadAverageAtStart[0]?.toFixed(2)} → ${r.host.loadAverageAtEnd[0]?.toFixed(2)}` : "";
    out.push(`| ${cell(run.suite)} | ${formatValue(run.seconds)} s | ${run.ok ? "ok" : "**failed**"} | ${load} |`);
  }
  out.push("");
  return out.join("\n");
}
