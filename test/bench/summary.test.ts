// The bench summary (bench/support/summary.ts) from result files as the suites write them: no
// bench runs here, only the markdown built from their JSON.
import { describe, expect, it } from "vitest";
import { buildSummary, formatValue, type SuiteResult, type SummaryInput } from "../../bench/support/summary.js";

const host = (loadStart: number, loadEnd: number): SuiteResult["host"] => ({
  platform: "linux-x64",
  cpus: 2,
  cpuModel: "AMD EPYC",
  memoryMiB: 24105,
  loadAverageAtStart: [loadStart, 1, 0.5],
  loadAverageAtEnd: [loadEnd, 1.5, 0.7],
});

const server: SuiteResult = {
  suite: "server",
  at: "2026-11-29T11:00:10.000Z",
  node: "v20.20.2",
  quick: true,
  host: host(0.5, 1.25),
  rows: [
    { metric: "get_scheduled_flow_runs p50 (500 scheduled, limit 200)", variant: "sqlite", value: 12.3456, unit: "ms", goal: "<= 388", met: true },
    { metric: "state transitions/s (8 clients)", variant: "sqlite", value: 1210.04, unit: "transitions/s", goal: ">= 1500", met: false },
    { metric: "server RSS peak", variant: "postgresql", value: 150, unit: "MB" },
  ],
};
const ecsLocal: SuiteResult = {
  suite: "ecs-local",
  at: "2026-11-29T11:00:40.000Z",
  node: "v20.20.2",
  quick: true,
  host: host(1.25, 3.5),
  rows: [{ metric: "token bucket: accuracy | achieved / configured", variant: "RunTask+StopTask (100 burst, 40/s)", value: 0.98, unit: "ratio", goal: "0.9–1.1 or ±1 token", met: true }],
};

function input(over: Partial<SummaryInput> = {}): SummaryInput {
  return {
    results: [server, ecsLocal],
    runs: [
      { suite: "ecs-local", seconds: 14.2, ok: true },
      { suite: "server", seconds: 31.75, ok: true },
    ],
    quick: true,
    wallSeconds: 46.5,
    startedAt: "2026-11-29T11:00:00.000Z",
    loadAtStart: [0.5, 0.4, 0.3],
    loadAtEnd: [3.5, 1.2, 0.6],
    ...over,
  };
}

const tableRows = (md: string) => md.split("\n").filter((l) => l.startsWith("| ") && !l.startsWith("| suite |"));

describe("the bench summary", () => {
  it("puts every figure in one table, in the order the suites ran, with its goal beside it and met yes/NO", () => {
    const md = buildSummary(input());
    const rows = tableRows(md).filter((l) => !/\| \d+(\.\d+)? s \|/.test(l));
    expect(rows).toEqual([
      "| ecs-local | token bucket: accuracy \\| achieved / configured | RunTask+StopTask (100 burst, 40/s) | 0.98 | ratio | 0.9–1.1 or ±1 token | yes |",
      "| server | get_scheduled_flow_runs p50 (500 scheduled, limit 200) | sqlite | 12.3 | ms | <= 388 | yes |",
      "| server | state transitions/s (8 clients) | sqlite | 1210.0 | transitions/s | >= 1500 | **NO** |",
      "| server | server RSS peak | postgresql | 150 | MB |  |  |",
    ]);
  });

  it("says the mode, host, load and wall time, and counts the goals, naming the missed ones", () => {
    const md = buildSummary(input());
    expect(md).toMatch(/^# ecsflow benchmarks \(quick\)\n/);
    expect(md).toContain("- Mode: **quick**");
    expect(md).toContain("wall time 46.5 s for 2 suites");
    expect(md).toContain("- Host: linux-x64, 2 CPUs (AMD EPYC), 23.5 GiB memory; Node v20.20.2");
    expect(md).toContain("- Load average (1 / 5 / 15 min): 0.50 / 0.40 / 0.30 at the start, 3.50 / 1.20 / 0.60 at the end — more runnable processes than CPUs");
    expect(md).toContain("- Goals: 2 of 3 met; missed: server / state transitions/s (8 clients) (sqlite)");
    expect(md).toContain("| server | 31.8 s | ok | 0.50 → 1.25 |");
    expect(md).toContain("| ecs-local | 14.2 s | ok | 1.25 → 3.50 |");
    expect(buildSummary(input({ loadAtEnd: [1, 1, 1] }))).not.toContain("more runnable processes than CPUs");
  });

  it("names a full run as such", () => {
    const full = buildSummary(input({ quick: false, results: [{ ...server, quick: false }], runs: [{ suite: "server", seconds: 300, ok: true }] }));
    expect(full).toMatch(/^# ecsflow benchmarks \(full\)/);
    expect(full).toContain("- Mode: **full**\n");
    expect(full).toContain("- Goals: 1 of 2 met");
  });

  it("reports failed suites and those without results, and leaves out results of suites that did not run", () => {
    const md = buildSummary(
      input({
        results: [server, ecsLocal],
        runs: [
          { suite: "server", seconds: 3, ok: false },
          { suite: "ui", seconds: 1, ok: true },
        ],
      }),
    );
    expect(md).toContain("- **Failed suites** (no figures, or figures up to the failure): server");
    expect(md).toContain("- Suites that exited 0 without writing results: ui");
    expect(md).toContain("| server | 3 s | **failed** |");
    expect(md).not.toContain("token bucket");
  });

  it("flags results of the other mode mixed in", () => {
    const md = buildSummary(input({ results: [server, { ...ecsLocal, quick: false }] }));
    expect(md).toContain("- Results from a full run mixed in: ecs-local");
  });

  it("formats values: integers as they are, small numbers to 2 places, large to 1", () => {
    expect([formatValue(3), formatValue(0.3714), formatValue(13193.34), formatValue(NaN)]).toEqual(["3", "0.37", "13193.3", "NaN"]);
  });
});
