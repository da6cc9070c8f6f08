import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { join, resolve } from "node:path";

// Read when the suite starts (it imports this module first), to set against the load at the end:
// timings from a busy shared machine mean little without it.
const LOAD_AT_START = loadavg();

/** One measured figure, printed as a table row and written to bench/results/<suite>.json. */
export interface BenchRow {
  /** What was measured, e.g. "get_scheduled_flow_runs p50". */
  metric: string;
  /** Which variant (engine, worker count, …). */
  variant?: string;
  value: number;
  unit: string;
  /** The goal, as text, e.g. ">= 1500" (optional). */
  goal?: string;
  /** Whether the goal was met (when a goal is set). */
  met?: boolean;
}

export const RESULTS_DIR = resolve(import.meta.dirname, "../results");

export function isQuick(): boolean {
  return process.argv.includes("--quick") || process.env.ECSFLOW_BENCH_QUICK === "1";
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

export function goal(value: number, op: ">=" | "<=", target: number): Pick<BenchRow, "goal" | "met"> {
  return { goal: `${op} ${target}`, met: op === ">=" ? value >= target : value <= target };
}

export function report(suite: string, rows: BenchRow[], meta: Record<string, unknown> = {}): void {
  const fmt = (v: number) => (Number.isInteger(v) ? String(v) : v.toFixed(v < 10 ? 2 : 1));
  const cols = ["metric", "variant", "value", "unit", "goal", "met"] as const;
  const cells = rows.map((r) => [r.metric, r.variant ?? "", fmt(r.value), r.unit, r.goal ?? "", r.met === undefined ? "" : r.met ? "yes" : "NO"]);
  const widths = cols.map((c, i) => Math.max(c.length, ...cells.map((row) => row[i].length)));
  const line = (vals: string[]) => "| " + vals.map((v, i) => v.padEnd(widths[i])).join(" | ") + " |";
  console.log(`\n## bench: ${suite}\n`);
  console.log(line([...cols]));
  console.log("|" + widths.map((w) => "-".repeat(w + 2)).join("|") + "|");
  for (const row of cells) console.log(line(row));
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = join(RESULTS_DIR, `${suite}.json`);
  writeFileSync(
    file,
    JSON.stringify({ suite, at: new Date().toISOString(), node: process.version, quick: isQuick(), host: hostInfo(), meta, rows }, null, 2) + "\n",
  );
  const host = hostInfo();
  console.log(`\n(${host.cpus} CPUs; load average at start ${host.loadAverageAtStart.join(" ")}, at end ${host.loadAverageAtEnd.join(" ")}; written to ${file})`);
}

function hostInfo() {
  const round = (l: number[]) => l.map((v) => Math.round(v * 100) / 100);
  return { platform: `${process.platform}-${process.arch}`, cpus: cpus().length, cpuModel: cpus()[0]?.model ?? "unknown", memoryMiB: Math.round(totalmem() / 2 ** 20), loadAverageAtStart: round(LOAD_AT_START), loadAverageAtEnd: round(loadavg()) };
}
