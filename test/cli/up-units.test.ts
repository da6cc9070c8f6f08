import { rmSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CliError } from "../../packages/cli/src/errors.js";
import { formatTimingBreakdown, timingBreakdown } from "../../packages/cli/src/commands/up/timing-breakdown.js";
import { ecsLocalOptions, resolveUpOptions } from "../../packages/cli/src/commands/up/up-options.js";
import { tracingEnvironmentForTasks } from "../../packages/cli/src/commands/up/start-stack.js";

const at = (ms: number) => new Date(Date.UTC(2026, 10, 29, 12, 0, 0, ms)).toISOString();

describe("the demo's timing breakdown", () => {
  it("orders created → PENDING → task created → task RUNNING → flow RUNNING → final, from recorded times", () => {
    const steps = timingBreakdown({
      created: at(0),
      states: [
        { type: "SCHEDULED", timestamp: at(0) },
        { type: "PENDING", timestamp: at(100) },
        // The worker's RUNNING (it saw the task run) comes before the flow's own.
        { type: "RUNNING", timestamp: at(700) },
        { type: "RUNNING", timestamp: at(900) },
        { type: "COMPLETED", timestamp: at(1000) },
      ],
      task: { createdAt: new Date(at(250)), startedAt: new Date(at(600)) },
    });
    expect(steps.map((s) => [s.step, s.sincePreviousMs, s.sinceCreatedMs])).toEqual([
      ["created", 0, 0],
      ["PENDING (worker claimed the run)", 100, 100],
      ["ECS task created (RunTask)", 150, 250],
      ["ECS task RUNNING (process started)", 350, 600],
      ["flow RUNNING (its code started)", 300, 900],
      ["COMPLETED", 100, 1000],
    ]);
    expect(formatTimingBreakdown(steps)[5]).toMatch(/COMPLETED\s+\+100 ms\s+1000 ms since created/);
  });

  it("says which steps a run never reached, and names the final state it did reach", () => {
    const steps = timingBreakdown({ created: at(0), states: [{ type: "PENDING", timestamp: at(50) }, { type: "CRASHED", timestamp: at(80) }] });
    expect(steps.map((s) => s.step)).toContain("CRASHED");
    expect(steps.filter((s) => s.at === undefined).map((s) => s.step)).toEqual(["ECS task created (RunTask)", "ECS task RUNNING (process started)", "flow RUNNING (its code started)"]);
    expect(formatTimingBreakdown(steps)[2]).toMatch(/\(not reached\)/);
  });
});

describe("ecsflow up's options", () => {
  it("defaults: up on 4200/4566 under ECSFLOW_HOME; demo on free ports in a throwaway folder", () => {
    const up = resolveUpOptions({}, { ECSFLOW_HOME: "/tmp/eh" }, "up");
    expect([up.port, up.ecsPort, up.dataDir, up.temporaryDataDir, up.pool]).toEqual([4200, 4566, "/tmp/eh", false, "local-ecs"]);
    const demo = resolveUpOptions({}, {}, "demo");
    expect([demo.port, demo.ecsPort, demo.temporaryDataDir]).toEqual([0, 0, true]);
    rmSync(demo.dataDir, { recursive: true, force: true });
  });

  it("refuses bad values with a usage error", () => {
    for (const flags of [{ port: "x" }, { ecsPort: "70000" }, { port: "5000", ecsPort: "5000" }, { pool: "no spaces" }, { timeout: "0" }, { dataDir: " " }]) {
      expect(() => resolveUpOptions(flags, {}, "up"), JSON.stringify(flags)).toThrow(CliError);
    }
  });

  it("builds ecs-local's options as `ecs-local start` does, with state and ECSFLOW_HOME under the data folder", () => {
    const o = ecsLocalOptions(resolveUpOptions({ dataDir: "/tmp/d", ecsPort: "0" }, {}, "up"), { PATH: "/bin" });
    expect(o.port).toBe(0);
    expect(o.stateDir).toBe("/tmp/d/ecs-local");
    expect(o.hostEnv).toEqual({ PATH: "/bin", ECSFLOW_HOME: "/tmp/d" });
    expect(o.commandAliases.ecsflow[1]).toMatch(/bin\/ecsflow\.js$/);
    expect(o.images.map((i) => i.image)).toContain("*/ecsflow:*");
  });
});

describe("ecsflow up's tracing settings for the worker's task", () => {
  it("passes the collector and sampler settings on, never the OTLP headers (they may hold credentials)", () => {
    const env = {
      OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318",
      OTEL_TRACES_SAMPLER: "traceidratio",
      OTEL_TRACES_SAMPLER_ARG: "0.1",
      OTEL_EXPORTER_OTLP_HEADERS: "authorization=Bearer%20secret",
      OTEL_EXPORTER_OTLP_TRACES_HEADERS: "x-key=secret",
      OTEL_SERVICE_NAME: "mine",
      PATH: "/bin",
    };
    expect(tracingEnvironmentForTasks(env)).toEqual({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318", OTEL_TRACES_SAMPLER: "traceidratio", OTEL_TRACES_SAMPLER_ARG: "0.1" });
    expect(tracingEnvironmentForTasks({ PATH: "/bin" })).toEqual({});
  });
});
