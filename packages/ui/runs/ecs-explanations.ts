// Plain-language meanings of what ECS and the container report when a task stops, so a person
// reading a failed run learns why without searching AWS's documentation.

export const STOP_CODES: Record<string, string> = {
  TaskFailedToStart:
    "ECS could not start the task: often an image that cannot be pulled, a missing secret or role permission, or no subnet/IP available. The stopped reason says which.",
  EssentialContainerExited: "The main container exited, so ECS stopped the task. The exit code tells how the program ended.",
  UserInitiated: "Someone or something (the worker, on cancel) called StopTask.",
  ServiceSchedulerInitiated: "An ECS service stopped the task (a deployment, scale-in or failed health check).",
  SpotInterruption: "AWS reclaimed the Fargate Spot or EC2 Spot capacity the task ran on.",
  TerminationNotice: "The container instance is being drained or terminated.",
};

export function explainExitCode(code: number): string {
  if (code === 0) return "The program finished successfully.";
  if (code === 137) return "Killed with SIGKILL (128+9): usually out of memory — raise the task's memory — or stopped after the grace period.";
  if (code === 143) return "Stopped with SIGTERM (128+15): the task was asked to stop, e.g. on cancel.";
  if (code === 139) return "Crashed with a segmentation fault (SIGSEGV).";
  if (code === 127) return "Command not found: check the command and the image.";
  if (code === 126) return "The command is not executable.";
  if (code === 1) return "The program failed with a general error; its logs say why.";
  if (code > 128 && code < 160) return `Ended by signal ${code - 128}.`;
  return "The program exited with an error; its logs say why.";
}

export interface EcsTaskRef {
  /** The cluster's name (the last part of its ARN when the worker recorded an ARN). */
  cluster: string;
  taskArn: string;
  taskId: string;
  /** From the task's or the cluster's ARN; null when the worker recorded bare names/ids. */
  region: string | null;
  account: string | null;
  /** Null without a region: a console link to the wrong region would mislead. */
  consoleUrl: string | null;
}

const ARN = /^arn:aws[\w-]*:ecs:([\w-]+):(\d+):(?:task|cluster)\//;
const lastPart = (s: string) => s.slice(s.lastIndexOf("/") + 1);

/**
 * Reads the ECS task out of a run's infrastructure pid, which the ECS worker sets to
 * "<cluster>::<task ARN>" (as Prefect's; "::" because ARNs hold single colons). The cluster may be
 * a name or an ARN, the task an ARN with or without the cluster in it, or a bare id. Older pids
 * without "::" are accepted when they hold a full task ARN. Anything else (a process id) is not ECS.
 */
export function parseEcsTask(pid: string | null): EcsTaskRef | null {
  if (!pid) return null;
  let clusterPart: string;
  let taskArn: string;
  const at = pid.indexOf("::");
  if (at > 0) {
    clusterPart = pid.slice(0, at);
    taskArn = pid.slice(at + 2);
    if (!/^(arn:aws[\w-]*:ecs:[\w-]+:\d+:task\/([\w-]+\/)?)?[\w-]+$/.test(taskArn)) return null;
  } else {
    const m = /arn:aws[\w-]*:ecs:[\w-]+:\d+:task\/([\w-]+)\/[\w-]+/.exec(pid);
    if (!m) return null;
    taskArn = m[0];
    clusterPart = m[1];
  }
  const fromArn = ARN.exec(taskArn) ?? ARN.exec(clusterPart);
  const region = fromArn?.[1] ?? null;
  const account = fromArn?.[2] ?? null;
  const cluster = lastPart(clusterPart);
  const taskId = lastPart(taskArn);
  return {
    cluster,
    taskArn,
    taskId,
    region,
    account,
    consoleUrl: region
      ? `https://${region}.console.aws.amazon.com/ecs/v2/clusters/${encodeURIComponent(cluster)}/tasks/${encodeURIComponent(taskId)}/configuration?region=${region}`
      : null,
  };
}

/**
 * The run labels the ECS worker records from RunTask's answer (packages/worker/src/infrastructure/ecs/
 * task-run-labels.ts; the UI only talks HTTP, so the names are repeated here and a test keeps them equal).
 */
export const ECS_RUN_LABELS = {
  taskDefinitionArn: "ecs.task-definition-arn",
  launchType: "ecs.launch-type",
  capacityProvider: "ecs.capacity-provider",
} as const;

export const LAUNCH_TYPES: Record<string, string> = {
  FARGATE: "Serverless: AWS runs the container on capacity it manages, with no instances for you to look after. Billed per second for the task's vCPU and memory.",
  EC2: "On EC2 instances registered to the cluster (container instances), which you manage and scale; the task shares the instance with others.",
  EXTERNAL: "On your own servers or VMs registered with the cluster through ECS Anywhere.",
};

export const CAPACITY_PROVIDERS: Record<string, string> = {
  FARGATE: "Regular, on-demand Fargate capacity.",
  FARGATE_SPOT:
    "Spare Fargate capacity at a discount. AWS may take it back with a two-minute warning; the task then stops with stop code SpotInterruption and the run ends CRASHED.",
};

const OTHER_CAPACITY_PROVIDER = "A capacity provider of the cluster, usually an Auto Scaling group of EC2 instances, chosen by the run's capacity provider strategy.";

export interface EcsPlacement {
  taskDefinition: {
    arn: string;
    /** `family:revision`, as ECS names a revision. */
    revision: string;
    consoleUrl: string | null;
  } | null;
  launchType: { name: string; meaning: string } | null;
  capacityProvider: { name: string; meaning: string } | null;
  /** The cluster's infrastructure tab, where its capacity providers and instances are. */
  capacityConsoleUrl: string | null;
}

const TASK_DEFINITION_ARN = /^arn:aws[\w-]*:ecs:([\w-]+):(\d+):task-definition\/([\w-]+):(\d+)$/;
const text = (v: unknown) => (typeof v === "string" && v.trim() ? v.trim() : null);

/**
 * The task definition revision and launch type the ECS worker recorded on the run (its labels),
 * each with what it means and where to see it in the AWS console; null when it recorded neither
 * (another kind of worker, or one that predates these labels).
 */
export function parseEcsPlacement(labels: Record<string, unknown> | undefined, task: EcsTaskRef | null): EcsPlacement | null {
  const arn = text(labels?.[ECS_RUN_LABELS.taskDefinitionArn]);
  const launch = text(labels?.[ECS_RUN_LABELS.launchType]);
  const provider = text(labels?.[ECS_RUN_LABELS.capacityProvider]);
  if (!arn && !launch && !provider) return null;
  const m = arn ? TASK_DEFINITION_ARN.exec(arn) : null;
  const region = m?.[1] ?? task?.region ?? null;
  const consoleLink = (path: string) => (region ? `https://${region}.console.aws.amazon.com/ecs/v2/${path}?region=${region}` : null);
  return {
    taskDefinition: arn
      ? {
          arn,
          revision: m ? `${m[3]}:${m[4]}` : lastPart(arn),
          consoleUrl: m ? consoleLink(`task-definitions/${encodeURIComponent(m[3])}/${m[4]}/containers`) : null,
        }
      : null,
    launchType: launch ? { name: launch, meaning: LAUNCH_TYPES[launch] ?? "A launch type this page does not know; the ECS console describes it." } : null,
    capacityProvider: provider ? { name: provider, meaning: CAPACITY_PROVIDERS[provider] ?? OTHER_CAPACITY_PROVIDER } : null,
    capacityConsoleUrl: task ? consoleLink(`clusters/${encodeURIComponent(task.cluster)}/infrastructure`) : null,
  };
}

/** What the ECS worker wrote into a CRASHED state's message when the task stopped (explain-stopped-task.ts). */
export interface EcsStopReport {
  taskArn: string | null;
  stopCode: string | null;
  stoppedReason: string | null;
  container: { name: string; reason: string } | null;
  exitCode: number | null;
  /** The worker's plain-language explanation, after the " — ". */
  explanation: string | null;
}

const STOPPED = /^ECS task (\S+) stopped \(/;
const STOP_CODE = /^([A-Z][A-Za-z]+): ?(.*)$/s;
const CONTAINER = /^container ([^:]+): (.*)$/s;
const EXIT_CODE = /\bexit(?:ed with)?(?: code|Code)?[:= ]+(-?\d+)/i;

/**
 * Reads the worker's "ECS task <arn> stopped (<stopCode>: <reason>; container <name>: <reason>) —
 * <explanation>" message back into its parts; a message the worker wrote without a stop reason is
 * only the explanation. Null for messages that say nothing about a stopped task.
 */
export function parseEcsStopMessage(message: string | null): EcsStopReport | null {
  if (!message) return null;
  const head = STOPPED.exec(message);
  let explanation: string | null;
  let inside = "";
  if (head) {
    const rest = message.slice(head[0].length);
    // The explanation follows ") — "; reasons from AWS hold parentheses but not that sequence.
    const end = rest.indexOf(") — ");
    inside = end >= 0 ? rest.slice(0, end) : rest.replace(/\)$/, "");
    explanation = end >= 0 ? rest.slice(end + 4) : null;
  } else {
    explanation = message;
  }
  const exit = explanation ? EXIT_CODE.exec(explanation) : null;
  const stopCode = Object.keys(STOP_CODES).find((c) => message.includes(c)) ?? null;
  if (!head && !exit && !stopCode) return null;
  const report: EcsStopReport = { taskArn: head?.[1] ?? null, stopCode: null, stoppedReason: null, container: null, exitCode: exit ? Number(exit[1]) : null, explanation };
  if (head) {
    const split = inside.indexOf("; container ");
    const taskPart = split >= 0 ? inside.slice(0, split) : CONTAINER.test(inside) ? "" : inside;
    const containerPart = split >= 0 ? inside.slice(split + 2) : CONTAINER.test(inside) ? inside : "";
    const code = STOP_CODE.exec(taskPart);
    if (code && !/\s/.test(code[1])) {
      report.stopCode = code[1];
      report.stoppedReason = code[2] || null;
    } else report.stoppedReason = taskPart || null;
    const c = CONTAINER.exec(containerPart);
    if (c) report.container = { name: c[1], reason: c[2] };
  } else report.stopCode = stopCode;
  return report;
}

/** `stopCode`s and exit codes mentioned in a state message, each with its explanation. */
export function explainMessage(message: string | null): { term: string; meaning: string }[] {
  if (!message) return [];
  const out: { term: string; meaning: string }[] = [];
  for (const [code, meaning] of Object.entries(STOP_CODES)) if (message.includes(code)) out.push({ term: code, meaning });
  const exit = /exit(?:ed with)?(?: code|Code)?[:= ]+(-?\d+)/i.exec(message);
  if (exit) out.push({ term: `exit code ${exit[1]}`, meaning: explainExitCode(Number(exit[1])) });
  return out;
}
