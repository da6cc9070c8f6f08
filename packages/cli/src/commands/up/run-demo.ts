import { DescribeTasksCommand, ECSClient } from "@aws-sdk/client-ecs";
import type { FlowRun } from "@ecsflow/schemas";
import { formatLog, formatStateChange } from "../../format-run.js";
import { watchFlowRun, WatchTimeoutError } from "../../watch-flow-run.js";
import type { Stack } from "./start-stack.js";
import { timingBreakdown, type TimingStep } from "./timing-breakdown.js";
import type { LocalAws } from "./up-options.js";

export interface DemoResult {
  deployment: string;
  runId: string;
  runName: string;
  /** The run's state type when the demo stopped following it (COMPLETED on success). */
  state: string | null;
  message?: string;
  taskArn?: string;
  timings: TimingStep[];
  /** False when the demo gave up at its timeout (the run goes on). */
  finished: boolean;
}

/**
 * Runs the hello example's deployment, shows each state and log line as it happens, and reads the
 * timing breakdown back from the run's state history and its ECS task.
 */
export async function runDemo(stack: Stack, say: (line: string) => void, options: { timeoutMs: number; signal?: AbortSignal }): Promise<DemoResult> {
  const hello = stack.deployments[0];
  const created = await stack.client.createFlowRunFromDeployment(hello.id, { parameters: { name: "ecsflow", times: 3 }, tags: ["demo"] });
  say(`Demo: flow run '${created.name}' (${created.id}) of deployment ${hello.name}; following its states and logs:`);
  let final: FlowRun;
  let finished = true;
  try {
    final = await watchFlowRun(stack.client, created.id, {
      timeoutMs: options.timeoutMs,
      signal: options.signal,
      minPollMs: 100,
      maxPollMs: 500,
      onState: (s, r) => say(`  ${formatStateChange(s, r)}`),
      onLog: (l) => say(`  ${formatLog(l)}`),
    });
  } catch (err) {
    if (!(err instanceof WatchTimeoutError)) throw err;
    final = err.run;
    finished = false;
  }
  const states = await stack.client.readFlowRunStates(created.id);
  const taskId = final.infrastructure_pid ?? undefined;
  const task = taskId ? await describeRunTask(stack.ecsLocalUrl, stack.aws, taskId) : undefined;
  return {
    deployment: hello.name,
    runId: final.id,
    runName: final.name,
    state: final.state_type,
    message: final.state?.message ?? undefined,
    taskArn: task?.taskArn,
    timings: timingBreakdown({ created: final.created, states, task }),
    finished,
  };
}

/** The ECS worker records a run's task as `<cluster>::<task ARN>`. */
async function describeRunTask(endpoint: string, aws: LocalAws, infrastructureId: string): Promise<{ taskArn: string; createdAt?: Date; startedAt?: Date } | undefined> {
  const at = infrastructureId.indexOf("::");
  if (at <= 0) return undefined;
  const ecs = new ECSClient({ endpoint, region: aws.region, credentials: aws.credentials, maxAttempts: 2 });
  try {
    const task = (await ecs.send(new DescribeTasksCommand({ cluster: infrastructureId.slice(0, at), tasks: [infrastructureId.slice(at + 2)] }))).tasks?.[0];
    return task ? { taskArn: task.taskArn!, createdAt: task.createdAt, startedAt: task.startedAt } : undefined;
  } finally {
    ecs.destroy();
  }
}
