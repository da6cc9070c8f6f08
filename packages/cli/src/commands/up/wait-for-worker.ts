import { DescribeServicesCommand, DescribeTasksCommand, ECSClient, ListTasksCommand } from "@aws-sdk/client-ecs";
import type { EcsflowClient } from "@ecsflow/client";
import { sleep } from "@ecsflow/client";
import type { EcsLocalAdmin } from "@ecsflow/ecs-local";
import { CliError } from "../../errors.js";
import { ExitCode } from "../../exit-codes.js";
import type { LocalAws } from "./up-options.js";

/** The worker as ECS and the API see it. */
export interface WorkerTask {
  taskArn: string;
  /** Its host process (ecs-local runs tasks as processes). */
  pid: number | undefined;
  /** The name it heartbeats under, once it has. */
  name: string;
}

export interface WaitForWorkerInput {
  endpoint: string;
  aws: LocalAws;
  cluster: string;
  service: string;
  client: EcsflowClient;
  pool: string;
  admin: EcsLocalAdmin;
  signal: AbortSignal;
  timeoutMs?: number;
}

const POLL_MS = 250;

/**
 * Ready means what a user needs: the service's task RUNNING (asked through the ECS API, as on AWS)
 * and that worker heartbeating to the pool, so a run created now is picked up at once.
 */
export async function waitForWorker(input: WaitForWorkerInput): Promise<WorkerTask> {
  const ecs = new ECSClient({ endpoint: input.endpoint, region: input.aws.region, credentials: input.aws.credentials, maxAttempts: 2 });
  const deadline = Date.now() + (input.timeoutMs ?? 90_000);
  try {
    for (;;) {
      const task = await runningServiceTask(ecs, input.cluster, input.service);
      if (task) {
        const since = new Date(task.startedAt.getTime() - 1_000).toISOString();
        const workers = await input.client.filterWorkers(input.pool, { workers: { last_heartbeat_time: { after_: since } } });
        if (workers.length > 0) {
          const pid = input.admin.task(task.taskArn)?.containers[0]?.pid;
          return { taskArn: task.taskArn, pid, name: workers[0].name };
        }
      }
      if (Date.now() > deadline) throw new CliError(await notStartedMessage(ecs, input), ExitCode.Unexpected);
      await sleep(POLL_MS, input.signal);
    }
  } finally {
    ecs.destroy();
  }
}

/**
 * A RUNNING task of the service's current task definition: after a restart with a changed API URL,
 * the service still runs a task of the old revision until its rollout replaces it.
 */
async function runningServiceTask(ecs: ECSClient, cluster: string, service: string): Promise<{ taskArn: string; startedAt: Date } | undefined> {
  const current = (await ecs.send(new DescribeServicesCommand({ cluster, services: [service] }))).services?.[0]?.taskDefinition;
  const arns = (await ecs.send(new ListTasksCommand({ cluster, serviceName: service, desiredStatus: "RUNNING" }))).taskArns ?? [];
  if (arns.length === 0 || !current) return undefined;
  const tasks = (await ecs.send(new DescribeTasksCommand({ cluster, tasks: arns }))).tasks ?? [];
  const running = tasks.find((t) => t.lastStatus === "RUNNING" && t.startedAt && t.taskDefinitionArn === current);
  return running ? { taskArn: running.taskArn!, startedAt: running.startedAt! } : undefined;
}

async function notStartedMessage(ecs: ECSClient, input: WaitForWorkerInput): Promise<string> {
  const service = (await ecs.send(new DescribeServicesCommand({ cluster: input.cluster, services: [input.service] }))).services?.[0];
  const events = (service?.events ?? []).slice(0, 3).map((e) => `  ${e.message}`);
  return [
    `The worker did not come up within ${Math.round((input.timeoutMs ?? 90_000) / 1000)} s (ECS service ${input.service}: ${service?.runningCount ?? 0} running, ${service?.pendingCount ?? 0} pending).`,
    ...(events.length ? ["Latest service events:", ...events] : []),
    `Its output is in CloudWatch log group /ecsflow/${input.pool} on ecs-local (${input.endpoint}).`,
  ].join("\n");
}
