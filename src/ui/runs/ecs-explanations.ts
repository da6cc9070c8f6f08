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
  region: string;
  account: string;
  cluster: string;
  taskId: string;
  taskArn: string;
  consoleUrl: string;
}

/**
 * Reads an ECS task ARN (arn:aws:ecs:REGION:ACCOUNT:task/CLUSTER/ID) out of the run's
 * infrastructure pid, which the ECS worker sets to "<cluster arn>:<task arn>" as Prefect's does.
 */
export function parseEcsTask(pid: string | null): EcsTaskRef | null {
  if (!pid) return null;
  const m = /arn:aws[\w-]*:ecs:([\w-]+):(\d+):task\/([\w-]+)\/([\w-]+)/.exec(pid);
  if (!m) return null;
  const [taskArn, region, account, cluster, taskId] = m;
  return {
    region,
    account,
    cluster,
    taskId,
    taskArn,
    consoleUrl: `https://${region}.console.aws.amazon.com/ecs/v2/clusters/${encodeURIComponent(cluster)}/tasks/${encodeURIComponent(taskId)}/configuration?region=${region}`,
  };
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
