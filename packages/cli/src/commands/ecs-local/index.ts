import type { Command } from "commander";
import { registerStart } from "./start.js";

/** `ecsflow ecs-local …`: a local AWS endpoint where ECS tasks run as containers (Docker or Podman) or host processes. */
export function registerEcsLocal(program: Command): void {
  const ecsLocal = program
    .command("ecs-local")
    .description("A local AWS endpoint (ECS, CloudWatch Logs, EC2, STS, Secrets Manager, IAM, SQS, EventBridge) where ECS tasks run as containers (Docker or Podman) or host processes");
  registerStart(ecsLocal);
}
