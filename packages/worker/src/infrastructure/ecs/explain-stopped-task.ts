// A STOPPED task as the worker's InfrastructureResult: the orchestration container's exit code
// decides the run's final state (worker.ts), and the reason and explanation say in plain words why
// it stopped: what ECS's stop codes and Docker-ish reasons mean, and what usually fixes them.

import type { Container, Task } from "@aws-sdk/client-ecs";
import { explainExitCode } from "../../explain-exit-code.js";
import type { InfrastructureResult } from "../infrastructure.js";

export interface StoppedTaskContext {
  containerName: string;
  /** The worker itself stopped the task (cancellation). */
  stoppedByWorker?: boolean;
  /** The worker stopped it because it did not start within task_start_timeout_seconds. */
  startTimeoutSeconds?: number;
}

const PULL = /CannotPullContainerError/i;
const INIT = /ResourceInitializationError/i;
const START = /CannotStartContainerError|CannotCreateContainerError/i;
const OOM = /OutOfMemory/i;

export function explainStartFailure(text: string, image?: string): string | undefined {
  if (PULL.test(text)) {
    return `CannotPullContainerError: ECS could not pull the image${image ? ` "${image}"` : ""}. Check that the image name and tag exist, that the execution role may read the registry (ECR: ecr:GetAuthorizationToken, ecr:BatchGetImage, ecr:GetDownloadUrlForLayer; a private registry: repositoryCredentials), and that the task's subnets reach the registry (a public IP, a NAT gateway or VPC endpoints).`;
  }
  if (INIT.test(text)) {
    return "ResourceInitializationError: ECS could not prepare the task before starting its containers. Most often the execution role lacks a permission: logs:CreateLogGroup (needed with awslogs-create-group) or logs:CreateLogStream for CloudWatch logs, secretsmanager:GetSecretValue (or ssm:GetParameters) for secrets such as api_key_secret_arn; or the worker lacks iam:PassRole for the execution role; or the subnets have no route to AWS's APIs.";
  }
  if (START.test(text)) {
    return "CannotStartContainerError: the container could not start: its command or entrypoint is not in the image (executable file not found), is not executable, or the working directory does not exist. Check the `command` job variable and the image.";
  }
  return undefined;
}

function orchestrationContainer(task: Task, name: string): Container | undefined {
  return task.containers?.find((c) => c.name === name) ?? task.containers?.[0];
}

export function resultFromStoppedTask(task: Task, ctx: StoppedTaskContext): InfrastructureResult {
  const container = orchestrationContainer(task, ctx.containerName);
  const exitCode = typeof container?.exitCode === "number" ? container.exitCode : null;
  const stoppedReason = task.stoppedReason ?? "";
  const containerReason = container?.reason ?? "";
  const reasonParts = [task.stopCode ? `${task.stopCode}: ${stoppedReason}` : stoppedReason, containerReason && containerReason !== stoppedReason ? `container ${container?.name}: ${containerReason}` : ""].filter(Boolean);
  const reason = reasonParts.length > 0 ? `ECS task ${task.taskArn} stopped (${reasonParts.join("; ")})` : undefined;
  // Stopped by someone else than this worker before the command finished: a container that
  // handles SIGTERM and exits 0 did not complete its run.
  const stoppedFromOutside = task.stopCode === "UserInitiated" && !ctx.stoppedByWorker && ctx.startTimeoutSeconds === undefined;
  const interrupted = stoppedFromOutside || task.stopCode === "SpotInterruption" || task.stopCode === "TerminationNotice";
  if (exitCode === 0 && !interrupted) return { exitCode, reason };

  const explanations: string[] = [];
  if (ctx.startTimeoutSeconds !== undefined) {
    const last = task.containers?.some((c) => c.lastStatus === "RUNNING") ? "starting" : "PROVISIONING/PENDING";
    explanations.push(
      `The task did not reach RUNNING within task_start_timeout_seconds (${ctx.startTimeoutSeconds} s), so the worker stopped it (it was still ${last}). Tasks wait in PROVISIONING for capacity (Fargate or EC2) or free IP addresses in the subnets, and in PENDING for the image pull: check capacity and the image, or raise task_start_timeout_seconds.`,
    );
  }
  const startFailure = explainStartFailure(`${stoppedReason} ${containerReason}`, container?.image);
  if (startFailure) explanations.push(startFailure);
  else if (task.stopCode === "TaskFailedToStart" && ctx.startTimeoutSeconds === undefined) explanations.push(`The task failed to start (TaskFailedToStart): ${stoppedReason || "ECS gave no reason"}.`);
  if (task.stopCode === "SpotInterruption") explanations.push("Fargate Spot reclaimed the task's capacity (SpotInterruption); retry the run, or use launch type FARGATE for runs that must not be interrupted.");
  if (task.stopCode === "TerminationNotice") explanations.push("The host running the task was terminated (TerminationNotice: a scale-in, an instance retirement or a Fargate maintenance event).");
  if (stoppedFromOutside) {
    explanations.push(`The task was stopped from outside the worker (StopTask${stoppedReason ? `: "${stoppedReason}"` : ""}) before the run finished.`);
  }
  if (task.stopCode === "EssentialContainerExited") {
    const first = task.containers?.find((c) => c.name !== container?.name && typeof c.exitCode === "number" && c.exitCode !== 0);
    if (first && (exitCode === null || exitCode === 137 || exitCode === 143)) explanations.push(`The essential container "${first.name}" exited first (code ${first.exitCode}); ECS then stopped the others.`);
  }
  if (OOM.test(containerReason)) explanations.push("The container exceeded its memory limit (OutOfMemoryError); raise the `memory` job variable or reduce the flow's memory use.");
  if (exitCode === 0) {
    explanations.push("Its command exited 0 on the stop signal, but the run was interrupted, not completed.");
  } else if (exitCode !== null) {
    if (exitCode === 137 && task.stopCode === "UserInitiated") {
      explanations.push("Exit code 137 (SIGKILL): the container did not stop within its stopTimeout after SIGTERM and was killed.");
    } else explanations.push(explainExitCode(exitCode));
  } else if (explanations.length === 0) {
    explanations.push(`The orchestration container "${container?.name ?? ctx.containerName}" never reported an exit code: it did not start, or the task was removed.`);
  }
  return { exitCode, reason, explanation: explanations.join(" "), ...(interrupted ? { interrupted } : {}) };
}
