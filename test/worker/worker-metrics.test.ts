// The worker's Prometheus metrics after one ECS run (real server, real Worker, ecs-local over
// HTTP), scraped from its health port and parsed with a real Prometheus text parser.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHealthServer } from "../../packages/worker/src/health-server.js";
import { WorkerMetrics } from "../../packages/worker/src/metrics/index.js";
import { parsePrometheus, sampleOf } from "../server/metrics/prometheus-text.js";
import { startEcsWorkerBed, until, type EcsWorkerBed } from "./ecs-worker-fixture.js";

let bed: EcsWorkerBed;
beforeAll(async () => {
  bed = await startEcsWorkerBed();
});
afterAll(async () => {
  await bed?.close();
});

describe("worker metrics on the health port", () => {
  it("counts one RunTask, DescribeTasks batches, shipped log lines and one run due → started", async () => {
    const metrics = new WorkerMetrics();
    await bed.pool("metrics-pool");
    const dep = await bed.deployment("metrics-pool", { command: "sh -c 'echo hi'" });
    const [id] = await bed.runs(dep, 1);
    const worker = bed.worker("metrics-pool", { runOnce: true, metrics }, bed.infrastructure({ metrics }));
    await worker.run();
    const run = await until("a final state", async () => {
      const r = await bed.readRun(id);
      return ["COMPLETED", "CRASHED", "FAILED"].includes(r.state_type ?? "") ? r : undefined;
    });
    expect(run.state_type).toBe("COMPLETED");

    const health = await startHealthServer(() => worker.getStatus(), 0, "127.0.0.1", metrics.registry);
    try {
      const res = await fetch(`http://127.0.0.1:${health.port}/metrics`);
      expect(res.status).toBe(200);
      const families = parsePrometheus(await res.text());
      expect(sampleOf(families, "ecsflow_worker_aws_calls_total", { operation: "RunTask", outcome: "ok" })?.value).toBe("1");
      expect(Number(sampleOf(families, "ecsflow_worker_aws_calls_total", { operation: "DescribeTasks", outcome: "ok" })?.value)).toBeGreaterThanOrEqual(1);
      expect(sampleOf(families, "ecsflow_worker_aws_calls_total", { outcome: "throttled" })).toBeUndefined();
      expect(Number(sampleOf(families, "ecsflow_worker_describe_tasks_batch_size_count")?.value)).toBeGreaterThanOrEqual(1);
      expect(Number(sampleOf(families, "ecsflow_worker_rate_budget_wait_seconds_count", { bucket: "runTask" })?.value)).toBeGreaterThanOrEqual(1);
      expect(sampleOf(families, "ecsflow_worker_run_due_to_started_seconds_count", { infrastructure: "ecs" })?.value).toBe("1");
      expect(Number(sampleOf(families, "ecsflow_worker_log_lines_shipped_total")?.value)).toBeGreaterThanOrEqual(1);
      expect((await fetch(`http://127.0.0.1:${health.port}/health`)).status).not.toBe(404);
    } finally {
      await health.close();
    }
  });
});
