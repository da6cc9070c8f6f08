// One flow run, end to end, traced: a real server and a real Worker in this process (exporting to
// an in-process OTLP collector), ecs-local over HTTP, and the task a host process running
// `ecsflow flow-run execute` of examples/etl.ts (built dist), which exports its own spans to the
// same collector. The trace must hold every part under the run's root, with ids from its UUID.
// This process exports protobuf (the OTLP default), the task JSON: the collector reads both.

import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { DescribeTasksCommand } from "@aws-sdk/client-ecs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTracing, type Tracing } from "../../packages/telemetry/src/index.js";
import { OtlpCollector, type ReceivedSpan } from "../support/otlp-collector.js";
import { startEcsWorkerBed, until, type EcsWorkerBed } from "../worker/ecs-worker-fixture.js";

// The `ecsflow` package: its bin/, dist/ and examples/.
const ROOT = resolve(import.meta.dirname, "../../packages/cli");

let collector: OtlpCollector;
let tracing: Tracing;
let bed: EcsWorkerBed;

beforeAll(async () => {
  collector = await OtlpCollector.start();
  tracing = await startTracing({ env: { OTEL_EXPORTER_OTLP_ENDPOINT: collector.url, OTEL_SERVICE_NAME: "ecsflow-under-test" }, serviceName: "unused" });
  bed = await startEcsWorkerBed({
    commandAliases: { ecsflow: [process.execPath, join(ROOT, "bin/ecsflow.js")] },
    hostEnv: { PATH: process.env.PATH, ECSFLOW_HOME: mkdtempSync(join(tmpdir(), "ecsflow-trace-")) },
    defaultWorkingDirectory: ROOT,
  });
});
afterAll(async () => {
  await bed?.close();
  await tracing?.shutdown();
  await collector?.close();
});

const byName = (spans: ReceivedSpan[], name: string) => spans.filter((s) => s.name === name);
const one = (spans: ReceivedSpan[], name: string) => {
  const found = byName(spans, name);
  expect(found.map((s) => s.name), `spans named ${name}`).toEqual([name]);
  return found[0];
};

describe("a flow run's trace across server, worker and task", () => {
  it("joins create, set_state, claim, AWS calls and the SDK's flow and task runs under the run's root", async () => {
    expect(tracing.config.enabled).toBe(true);
    await bed.pool("traced");
    const deployment = await bed.server.request<{ id: string }>("POST", "/deployments/", {
      name: "etl-traced",
      flow_id: bed.flowId,
      work_pool_name: "traced",
      entrypoint: "examples/etl.ts:etl",
      path: ROOT,
      parameters: { sources: ["a", "bb"] },
      job_variables: { env: { OTEL_EXPORTER_OTLP_ENDPOINT: collector.url, OTEL_EXPORTER_OTLP_PROTOCOL: "http/json", OTEL_SERVICE_NAME: "ecsflow-task" } },
    });
    expect(deployment.status).toBe(201);
    const [runId] = await bed.runs(deployment.body.id, 1);
    await bed.worker("traced", { runOnce: true, hostEnv: {} }).run();
    const run = await until("a final state", async () => {
      const r = await bed.readRun(runId);
      return ["COMPLETED", "CRASHED", "FAILED"].includes(r.state_type ?? "") ? r : undefined;
    });
    expect(run.state_type, JSON.stringify(await bed.logsOf(runId))).toBe("COMPLETED");
    await tracing.forceFlush();

    const traceId = runId.replaceAll("-", "");
    const rootId = traceId.slice(16);
    // The task process flushed before it exited; the worker and server spans were flushed above.
    const spans = await until("the task's spans", async () => {
      const mine = collector.spans.filter((s) => s.traceId === traceId);
      return byName(mine, "task_run.execute").length === 4 && byName(mine, "flow_run").length === 1 ? mine : undefined;
    }, 30_000, async () => collector.spans.map((s) => `${s.service}/${s.name}`));
    // Every span of the run is in its trace, and no span of the run went anywhere else.
    expect(collector.spans.filter((s) => s.attributes["ecsflow.flow_run.id"] === runId).every((s) => s.traceId === traceId)).toBe(true);

    expect([...collector.contentTypes].sort()).toEqual(["application/json", "application/x-protobuf"]);
    const root = one(spans, "flow_run");
    expect(root.spanId).toBe(rootId);
    expect(root.parentSpanId).toBeUndefined();
    expect(root.scope).toBe("ecsflow.server");
    expect(root.attributes["ecsflow.state.final"]).toBe("COMPLETED");

    const create = one(spans, "flow_run.create");
    expect(create.parentSpanId).toBe(rootId);
    expect(create.attributes["ecsflow.state.to"]).toBe("SCHEDULED");
    expect(create.attributes["ecsflow.deployment.id"]).toBe(deployment.body.id);

    const transitions = byName(spans, "flow_run.set_state").filter((s) => s.attributes["ecsflow.orchestration.status"] === "ACCEPT");
    expect(transitions.every((s) => s.parentSpanId === rootId && s.scope === "ecsflow.server")).toBe(true);
    const accepted = transitions.sort((a, b) => a.startMs - b.startMs).map((s) => `${s.attributes["ecsflow.state.from"]}→${s.attributes["ecsflow.state.to"]}`);
    // One span per state the server wrote, in the history's order, each from the state before it.
    const history = (await bed.server.request<{ type: string }[]>("GET", `/flow_run_states/?flow_run_id=${runId}`)).body.map((h) => h.type);
    expect(history[0]).toBe("SCHEDULED");
    expect(accepted).toEqual(history.slice(1).map((to, i) => `${history[i]}→${to}`));
    expect(accepted).toEqual(expect.arrayContaining(["SCHEDULED→PENDING", "PENDING→RUNNING", "RUNNING→COMPLETED"]));

    const submit = one(spans, "worker.submit");
    expect(submit.parentSpanId).toBe(rootId);
    expect(submit.scope).toBe("ecsflow.worker");
    const claim = one(spans, "flow_run.claim");
    expect(claim.parentSpanId).toBe(submit.spanId);
    expect(claim.attributes["ecsflow.claim.won"]).toBe(true);
    const runTask = one(spans, "ECS.RunTask");
    expect(runTask.parentSpanId).toBe(submit.spanId);
    expect(runTask.attributes).toMatchObject({ "rpc.system": "aws-api", "rpc.service": "ECS", "rpc.method": "RunTask", "http.response.status_code": 200 });
    // Registering the run's task definition is an AWS call of this run too.
    expect(byName(spans, "ECS.RegisterTaskDefinition").every((s) => s.parentSpanId === submit.spanId)).toBe(true);

    // The task's own process: its flow run under the root (from TRACEPARENT), its task runs under that.
    const execute = one(spans, "flow_run.execute");
    expect(execute.service).toBe("ecsflow-task");
    expect(execute.parentSpanId).toBe(rootId);
    expect(execute.attributes).toMatchObject({ "ecsflow.flow.name": "etl", "ecsflow.state.final": "COMPLETED" });
    const tasks = byName(spans, "task_run.execute");
    expect(tasks.every((t) => t.parentSpanId === execute.spanId && t.service === "ecsflow-task")).toBe(true);
    expect(tasks.map((t) => t.attributes["ecsflow.task.name"]).sort()).toEqual(["extract", "extract", "load", "transform"]);

    // What the worker gave the task: TRACEPARENT naming the root span, in RunTask's container overrides.
    const taskArn = String(runTask.attributes["aws.ecs.task.arn"]);
    expect(run.infrastructure_pid).toContain(taskArn.split("/").at(-1));
    const described = await bed.world.ecs.send(new DescribeTasksCommand({ cluster: taskArn.split("/")[1], tasks: [taskArn] }));
    const env = described.tasks?.[0]?.overrides?.containerOverrides?.flatMap((o) => o.environment ?? []) ?? [];
    expect(env.filter((e) => e.name === "TRACEPARENT").map((e) => e.value)).toEqual([`00-${traceId}-${rootId}-01`]);
  });
});
