// `npm run bench -- task-watching [--quick]`: how a worker watches its ECS tasks, polling
// DescribeTasks versus ECS Task State Change events (EventBridge → SQS, DescribeTasks as the
// fallback), against ecs-local with AWS's rate limits on.
//
// Each mode runs the same N tasks (300 living 90 s; 60 living 20 s with --quick), launched at
// once, watched by one EcsInfrastructure with the defaults a worker uses (task_watch_poll_interval
// 5 s; with events, a DescribeTasks of a task at most every 60 s while events arrive). Measured:
//   - DescribeTasks calls per task-minute watched (the worker batches up to 100 tasks per call);
//   - task look-ups per task-minute (tasks described): what per-run polling, one call per look-up,
//     would cost in calls;
//   - from those, how many tasks one worker can watch within AWS's 20 DescribeTasks/s (and within
//     the worker's own default budget of 10/s): 20 × 60 ÷ calls per task-minute;
//   - delay from a task's stoppedAt to the worker knowing it stopped (p50, p99);
//   - SQS ReceiveMessage calls per minute (events only; SQS's limits are far higher).

import { randomUUID } from "node:crypto";
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from "@aws-sdk/client-sqs";
import { EventBridgeClient, PutRuleCommand, PutTargetsCommand } from "@aws-sdk/client-eventbridge";
import pino from "pino";
import { startEcsLocal } from "../packages/ecs-local/src/index.js";
import { ecsDefaultBaseJobTemplate, type FlowRun, type JsonRecord } from "../packages/schemas/src/index.js";
import { EcsInfrastructure } from "../packages/worker/src/infrastructure/ecs/index.js";
import { renderJobTemplate } from "../packages/worker/src/render-job-template.js";
import { isQuick, percentile, report, type BenchRow } from "./support/report.js";

const quick = isQuick();
const TASKS = quick ? 60 : 300;
const LIFETIME_S = quick ? 20 : 90;
const POLL_INTERVAL_S = 5;
const AWS_DESCRIBE_TASKS_PER_S = 20;
const WORKER_DESCRIBE_TASKS_BUDGET_PER_S = 10;
const CREDENTIALS = { accessKeyId: "bench", secretAccessKey: "bench" };
const rows: BenchRow[] = [];
const silent = pino({ level: "silent" });

function flowRun(): FlowRun {
  return { id: randomUUID(), name: "watch-run", flow_id: randomUUID(), deployment_id: randomUUID(), run_count: 0, work_pool_name: "bench-pool", state: { timestamp: new Date().toISOString() }, job_variables: null } as unknown as FlowRun;
}

function configurationFor(run: FlowRun): Record<string, unknown> {
  return renderJobTemplate({
    baseJobTemplate: ecsDefaultBaseJobTemplate as unknown as JsonRecord,
    deploymentJobVariables: { command: `sh -c 'sleep ${LIFETIME_S}'`, image: "busybox", cpu: 256, memory: 512, task_watch_poll_interval: POLL_INTERVAL_S },
    env: {},
    flowRun: run,
    deployment: { id: run.deployment_id!, name: "watch" },
    flow: { id: run.flow_id, name: "watch-flow" },
    worker: { name: "bench-worker", poolName: "bench-pool", poolType: "ecs" },
    apiUrl: "http://127.0.0.1:4200/api",
  }) as Record<string, unknown>;
}

/** What provision sets up: a queue and a rule sending every ECS Task State Change to it. */
async function taskEventsQueue(endpoint: string): Promise<string> {
  const config = { region: "us-east-1", endpoint, credentials: CREDENTIALS };
  const sqs = new SQSClient(config);
  const events = new EventBridgeClient(config);
  try {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: "bench-task-events" }));
    const arn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["QueueArn"] }))).Attributes!.QueueArn!;
    await events.send(new PutRuleCommand({ Name: "bench-task-events", EventPattern: JSON.stringify({ source: ["aws.ecs"], "detail-type": ["ECS Task State Change"] }) }));
    await events.send(new PutTargetsCommand({ Rule: "bench-task-events", Targets: [{ Id: "q", Arn: arn }] }));
    return QueueUrl!;
  } finally {
    sqs.destroy();
    events.destroy();
  }
}

async function scenario(mode: "polling" | "events") {
  const ecsLocal = await startEcsLocal({ port: 0, provisioningProfile: "default", limits: { enabled: true }, hostEnv: { PATH: process.env.PATH }, shutdownGraceMs: 2_000 });
  const queueUrl = mode === "events" ? await taskEventsQueue(ecsLocal.url) : undefined;
  const infra = new EcsInfrastructure({
    region: "us-east-1",
    endpoint: ecsLocal.url,
    credentials: CREDENTIALS,
    logger: silent,
    checkCredentialsOnSetup: false,
    ...(queueUrl ? { taskEvents: { queueUrl, waitTimeSeconds: 20 } } : {}),
  });
  await infra.setup();
  const prepared = Array.from({ length: TASKS }, () => {
    const run = flowRun();
    return { run, configuration: configurationFor(run) };
  });
  const stopDelaysMs: number[] = [];
  let failed = 0;
  const t0 = Date.now();
  try {
    await Promise.all(
      prepared.map(({ run, configuration }) =>
        infra.run({ flowRun: run, configuration, logger: silent, onOutput: () => {}, onStarted: () => {} }).then(
          (result) => {
            const stoppedAt = result.usage?.stopped_at;
            if (result.exitCode !== 0 || !stoppedAt) failed++;
            else stopDelaysMs.push(Date.now() - Date.parse(stoppedAt));
          },
          () => void failed++,
        ),
      ),
    );
  } finally {
    await infra.teardown();
    await ecsLocal.close();
  }
  const wallMinutes = (Date.now() - t0) / 60_000;
  const metrics = infra.metrics();
  const taskMinutes = metrics.watcher.taskMs / 60_000;
  const callsPerTaskMinute = metrics.watcher.calls / taskMinutes;
  const lookupsPerTaskMinute = metrics.watcher.tasksDescribed / taskMinutes;
  stopDelaysMs.sort((a, b) => a - b);
  const variant = `${mode}, ${TASKS} tasks × ${LIFETIME_S} s`;
  rows.push({ metric: "DescribeTasks calls (all tasks)", variant, value: metrics.watcher.calls, unit: "calls" });
  rows.push({ metric: "DescribeTasks calls per task-minute", variant, value: callsPerTaskMinute, unit: "calls" });
  rows.push({ metric: "task look-ups per task-minute (= calls if each run polled alone)", variant, value: lookupsPerTaskMinute, unit: "look-ups" });
  // Tasks that end before their first fallback look need no DescribeTasks at all: no finite bound to show.
  const within = (perSecond: number, perTaskMinute: number) => (perTaskMinute > 0 ? [Math.floor((perSecond * 60) / perTaskMinute)] : []);
  for (const value of within(AWS_DESCRIBE_TASKS_PER_S, callsPerTaskMinute)) rows.push({ metric: `tasks one worker can watch within AWS's ${AWS_DESCRIBE_TASKS_PER_S} DescribeTasks/s`, variant, value, unit: "tasks" });
  for (const value of within(WORKER_DESCRIBE_TASKS_BUDGET_PER_S, callsPerTaskMinute)) rows.push({ metric: `tasks within the worker's default budget of ${WORKER_DESCRIBE_TASKS_BUDGET_PER_S}/s`, variant, value, unit: "tasks" });
  for (const value of within(AWS_DESCRIBE_TASKS_PER_S, lookupsPerTaskMinute)) rows.push({ metric: `tasks within ${AWS_DESCRIBE_TASKS_PER_S}/s if each run polled alone`, variant, value, unit: "tasks" });
  rows.push({ metric: "stoppedAt → worker knows, p50", variant, value: percentile(stopDelaysMs, 50), unit: "ms" });
  rows.push({ metric: "stoppedAt → worker knows, p99", variant, value: percentile(stopDelaysMs, 99), unit: "ms" });
  if (mode === "events") {
    rows.push({ metric: "SQS ReceiveMessage calls per minute", variant, value: (metrics.taskEvents?.receives ?? 0) / wallMinutes, unit: "calls/min" });
    rows.push({ metric: "task states taken from events", variant, value: metrics.watcher.eventsApplied, unit: "events" });
  }
  rows.push({ metric: "DescribeTasks throttled", variant, value: metrics.throttles["DescribeTasks"] ?? 0, unit: "answers" });
  rows.push({ metric: "runs that did not end with exit 0", variant, value: failed, unit: "runs" });
  console.log(`${mode}: ${JSON.stringify({ watcher: metrics.watcher, taskEvents: metrics.taskEvents, throttles: metrics.throttles })}`);
}

await scenario("polling");
await scenario("events");
report("task-watching", rows, { quick, node: process.version, tasks: TASKS, lifetimeSeconds: LIFETIME_S, pollIntervalSeconds: POLL_INTERVAL_S });
