import { InfrastructureNotAvailableError } from "../../errors.js";

/** An ECS run's infrastructure id: `<cluster>::<taskArn>` ("::" because ARNs hold single colons), as Prefect's. */
export interface EcsTaskId {
  cluster: string;
  taskArn: string;
}

export function formatInfrastructureId(id: EcsTaskId): string {
  return `${id.cluster}::${id.taskArn}`;
}

/** Throws InfrastructureNotAvailableError for ids that are not ECS task ids (another kind's, e.g. a process id). */
export function parseInfrastructureId(infrastructurePid: string): EcsTaskId {
  const at = infrastructurePid.indexOf("::");
  const cluster = at > 0 ? infrastructurePid.slice(0, at) : "";
  const taskArn = at > 0 ? infrastructurePid.slice(at + 2) : "";
  if (!cluster || !/^(arn:aws[\w-]*:ecs:[^:]+:\d+:task\/[^/]+\/)?[A-Za-z0-9-]+$/.test(taskArn)) {
    throw new InfrastructureNotAvailableError(`"${infrastructurePid}" is not an ECS task id (<cluster>::<task ARN>); this worker cannot act on it.`, infrastructurePid);
  }
  return { cluster, taskArn };
}

/** The task ID, the last part of its ARN. */
export function taskIdOf(taskArn: string): string {
  return taskArn.slice(taskArn.lastIndexOf("/") + 1);
}
