import { PutRuleCommand, PutTargetsCommand, EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { CreateQueueCommand, SQSClient } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EcsInfrastructureOptionsError } from "../../../../packages/worker/src/infrastructure/ecs/ecs-infrastructure-options.js";
import { taskFromEvent } from "../../../../packages/worker/src/infrastructure/ecs/task-event-listener.js";
import { callsOf, eventually, runJob, startWorld, type World } from "./ecs-fixture.js";

// Event-driven watching: ECS Task State Change → EventBridge rule → SQS → the worker. The same
// run, watched by polling and by events, ends alike; with events DescribeTasks is only the fallback.

let world: World;
let queueUrl: string;
let silentQueueUrl: string;

beforeAll(async () => {
  world = await startWorld();
  const sqs = new SQSClient(world.clientConfig);
  const events = new EventBridgeClient(world.clientConfig);
  queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: "ecsflow-task-events" }))).QueueUrl!;
  // A queue no rule sends to: the worker reads it fine, but hears nothing.
  silentQueueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: "ecsflow-silent" }))).QueueUrl!;
  await events.send(new PutRuleCommand({ Name: "ecsflow-tasks", EventPattern: JSON.stringify({ source: ["aws.ecs"], "detail-type": ["ECS Task State Change"] }) }));
  await events.send(new PutTargetsCommand({ Rule: "ecsflow-tasks", Targets: [{ Id: "worker", Arn: "arn:aws:sqs:us-east-1:000000000000:ecsflow-task-events" }] }));
  sqs.destroy();
  events.destroy();
});

afterAll(async () => {
  await world?.close();
});

const variables = { command: "sh -c 'sleep 1.5; echo done'", task_watch_poll_interval: 1 };

describe("ECS task watching by events", () => {
  it("ends a run from its STOPPED event, with fewer DescribeTasks calls than polling", async () => {
    const polling = world.infrastructure({ watcher: { firstCheckMs: 50, minRoundGapMs: 20, missingAfterMs: 1_000 } });
    const before = callsOf(world, "ecs:DescribeTasks");
    const polled = await runJob(polling, { variables });
    const pollingCalls = callsOf(world, "ecs:DescribeTasks") - before;

    const watching = world.infrastructure({ taskEvents: { queueUrl, waitTimeSeconds: 1 }, watcher: { firstCheckMs: 50, minRoundGapMs: 20, missingAfterMs: 1_000, eventFallbackMs: 60_000 } });
    await watching.setup();
    // Events count only once the queue has answered a first long poll (until then the watcher polls).
    await eventually(() => (watching.taskEvents?.healthy() ? true : undefined), "the task event listener's first receive");
    const mid = callsOf(world, "ecs:DescribeTasks");
    const evented = await runJob(watching, { variables });
    const eventCalls = callsOf(world, "ecs:DescribeTasks") - mid;

    expect(polled.result.exitCode).toBe(0);
    expect(evented.result.exitCode).toBe(0);
    expect(evented.output.map((o) => o.line)).toEqual(expect.arrayContaining(polled.output.filter((o) => o.line === "done").map((o) => o.line)));
    const m = watching.metrics();
    expect(m.taskEvents?.taskEvents).toBeGreaterThanOrEqual(2);
    expect(m.watcher.eventsApplied).toBeGreaterThanOrEqual(2);
    expect(pollingCalls).toBeGreaterThanOrEqual(2);
    expect(eventCalls).toBeLessThan(pollingCalls);
    // While events flow, a new task's first DescribeTasks waits for the 60 s fallback: this
    // short run is watched by its events alone.
    expect(eventCalls).toBe(0);
  });

  it("falls back to DescribeTasks when no events come, and the run still ends", async () => {
    const infra = world.infrastructure({ taskEvents: { queueUrl: silentQueueUrl, waitTimeSeconds: 1 }, watcher: { firstCheckMs: 50, minRoundGapMs: 20, missingAfterMs: 1_000, eventFallbackMs: 500 } });
    await infra.setup();
    const run = await runJob(infra, { variables });
    expect(run.result.exitCode).toBe(0);
    expect(infra.metrics().watcher.eventsApplied).toBe(0);
    expect(infra.metrics().taskEvents?.receives).toBeGreaterThanOrEqual(1);
  });

  it("rejects a queue URL that is not a URL", () => {
    expect(() => world.infrastructure({ taskEvents: { queueUrl: "not a url" } })).toThrow(EcsInfrastructureOptionsError);
    expect(() => world.infrastructure({ taskEvents: { queueUrl, waitTimeSeconds: 21 } })).toThrow(/waitTimeSeconds/);
  });

  it("reads an event's task with Date timestamps, and ignores other events", () => {
    const task = taskFromEvent(JSON.stringify({ source: "aws.ecs", "detail-type": "ECS Task State Change", detail: { taskArn: "arn:t", lastStatus: "STOPPED", stoppedAt: "2026-12-07T10:00:00.000Z", version: 4 } }));
    expect(task).toMatchObject({ taskArn: "arn:t", lastStatus: "STOPPED", version: 4 });
    expect(task?.stoppedAt).toEqual(new Date("2026-12-07T10:00:00.000Z"));
    expect(taskFromEvent(JSON.stringify({ source: "aws.ec2", "detail-type": "x", detail: { taskArn: "a" } }))).toBeUndefined();
    expect(taskFromEvent("{not json")).toBeUndefined();
  });
});
