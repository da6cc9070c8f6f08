import { describe, expect, it } from "vitest";
import { explainExitCode } from "../../packages/worker/src/explain-exit-code.js";
import { resultFromStoppedTask } from "../../packages/worker/src/infrastructure/ecs/explain-stopped-task.js";
import { formatInfrastructureId } from "../../packages/worker/src/infrastructure/ecs/infrastructure-id.js";
import { CAPACITY_PROVIDER_LABEL, LAUNCH_TYPE_LABEL, TASK_DEFINITION_LABEL } from "../../packages/worker/src/infrastructure/ecs/task-run-labels.js";
import { ECS_RUN_LABELS, LAUNCH_TYPES, parseEcsPlacement, parseEcsStopMessage, parseEcsTask } from "../../packages/ui/runs/ecs-explanations.js";

const TASK_ARN = "arn:aws:ecs:eu-west-1:123456789012:task/prod-cluster/0123456789abcdef0123456789abcdef";

/** The CRASHED message exactly as the worker writes it (worker.ts reportResult). */
function crashedMessage(task: Parameters<typeof resultFromStoppedTask>[0], ctx: Parameters<typeof resultFromStoppedTask>[1] = { containerName: "prefect" }) {
  const result = resultFromStoppedTask(task, ctx);
  return [result.reason, result.explanation ?? explainExitCode(result.exitCode)].filter(Boolean).join(" — ");
}

describe("parseEcsTask reads the ECS worker's <cluster>::<taskArn> pid", () => {
  it("takes cluster, task, region and account and builds a console link", () => {
    const ref = parseEcsTask(formatInfrastructureId({ cluster: "prod-cluster", taskArn: TASK_ARN }));
    expect(ref).toMatchObject({ cluster: "prod-cluster", taskArn: TASK_ARN, taskId: "0123456789abcdef0123456789abcdef", region: "eu-west-1", account: "123456789012" });
    expect(ref!.consoleUrl).toBe("https://eu-west-1.console.aws.amazon.com/ecs/v2/clusters/prod-cluster/tasks/0123456789abcdef0123456789abcdef/configuration?region=eu-west-1");
  });

  it("shows a cluster ARN by its name, and takes the region from it when the task is a bare id", () => {
    const ref = parseEcsTask("arn:aws:ecs:us-east-2:999999999999:cluster/blue::abc123");
    expect(ref).toMatchObject({ cluster: "blue", taskArn: "abc123", taskId: "abc123", region: "us-east-2" });
    expect(ref!.consoleUrl).toContain("us-east-2.console.aws.amazon.com/ecs/v2/clusters/blue/tasks/abc123");
  });

  it("gives no console link without a region, and is null for process ids and garbage", () => {
    expect(parseEcsTask("default::abc123")).toMatchObject({ cluster: "default", region: null, consoleUrl: null });
    expect(parseEcsTask("worker-host:4242")).toBeNull();
    expect(parseEcsTask("x::not a task")).toBeNull();
    expect(parseEcsTask(null)).toBeNull();
    // Older pids held the task ARN alone.
    expect(parseEcsTask(TASK_ARN)).toMatchObject({ cluster: "prod-cluster", region: "eu-west-1" });
  });
});

describe("parseEcsStopMessage reads back the worker's CRASHED message", () => {
  it("splits stop code, stopped reason, container reason, exit code and the explanation", () => {
    const message = crashedMessage({
      taskArn: TASK_ARN,
      stopCode: "EssentialContainerExited",
      stoppedReason: "Essential container in task exited",
      containers: [{ name: "prefect", exitCode: 137, reason: "OutOfMemoryError: Container killed due to memory usage" }],
    });
    const report = parseEcsStopMessage(message)!;
    expect(report).toMatchObject({
      taskArn: TASK_ARN,
      stopCode: "EssentialContainerExited",
      stoppedReason: "Essential container in task exited",
      container: { name: "prefect", reason: "OutOfMemoryError: Container killed due to memory usage" },
      exitCode: 137,
    });
    expect(report.explanation).toMatch(/^The container exceeded its memory limit/);
    expect(report.explanation).toContain("Exit code 137 (SIGKILL)");
  });

  it("reads a task that failed to start (no exit code, a reason with colons and parentheses)", () => {
    const reason = "CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref docker.io/acme/flow:nope";
    const report = parseEcsStopMessage(crashedMessage({ taskArn: TASK_ARN, stopCode: "TaskFailedToStart", stoppedReason: reason, containers: [{ name: "prefect", image: "acme/flow:nope" }] }))!;
    expect(report).toMatchObject({ stopCode: "TaskFailedToStart", stoppedReason: reason, container: null, exitCode: null });
    expect(report.explanation).toMatch(/^CannotPullContainerError: ECS could not pull the image "acme\/flow:nope"/);
  });

  it("reads a stop reason without a stop code, and a message that is only the explanation", () => {
    const report = parseEcsStopMessage(crashedMessage({ taskArn: TASK_ARN, stoppedReason: "Task stopped by someone", containers: [{ name: "prefect", exitCode: 1 }] }))!;
    expect(report).toMatchObject({ stopCode: null, stoppedReason: "Task stopped by someone", exitCode: 1 });
    const bare = parseEcsStopMessage(crashedMessage({ taskArn: TASK_ARN, containers: [{ name: "prefect", exitCode: 127 }] }))!;
    expect(bare).toMatchObject({ taskArn: null, stopCode: null, stoppedReason: null, exitCode: 127 });
    expect(bare.explanation).toMatch(/^Exit code 127: command not found/);
  });

  it("is null for messages that say nothing about how infrastructure stopped", () => {
    expect(parseEcsStopMessage("boom")).toBeNull();
    expect(parseEcsStopMessage(null)).toBeNull();
  });
});

describe("parseEcsPlacement reads the task definition and launch type the ECS worker records as run labels", () => {
  const TD_ARN = "arn:aws:ecs:eu-west-1:123456789012:task-definition/ecsflow-hello:7";
  const task = parseEcsTask(formatInfrastructureId({ cluster: "prod-cluster", taskArn: TASK_ARN }));

  it("uses the worker's label names", () => {
    expect(ECS_RUN_LABELS).toEqual({ taskDefinitionArn: TASK_DEFINITION_LABEL, launchType: LAUNCH_TYPE_LABEL, capacityProvider: CAPACITY_PROVIDER_LABEL });
  });

  it("names the revision family:revision, explains the launch type and capacity provider, and links both to the console", () => {
    const placement = parseEcsPlacement({ [TASK_DEFINITION_LABEL]: TD_ARN, [LAUNCH_TYPE_LABEL]: "FARGATE", [CAPACITY_PROVIDER_LABEL]: "FARGATE_SPOT", other: "x" }, task);
    expect(placement!.taskDefinition).toEqual({
      arn: TD_ARN,
      revision: "ecsflow-hello:7",
      consoleUrl: "https://eu-west-1.console.aws.amazon.com/ecs/v2/task-definitions/ecsflow-hello/7/containers?region=eu-west-1",
    });
    expect(placement!.launchType).toEqual({ name: "FARGATE", meaning: LAUNCH_TYPES.FARGATE });
    expect(placement!.capacityProvider!.meaning).toContain("SpotInterruption");
    expect(placement!.capacityConsoleUrl).toBe("https://eu-west-1.console.aws.amazon.com/ecs/v2/clusters/prod-cluster/infrastructure?region=eu-west-1");
  });

  it("explains EC2 and an unknown capacity provider, and is null when nothing was recorded", () => {
    const placement = parseEcsPlacement({ [LAUNCH_TYPE_LABEL]: "EC2", [CAPACITY_PROVIDER_LABEL]: "my-asg-provider" }, task);
    expect(placement!.taskDefinition).toBeNull();
    expect(placement!.launchType!.meaning).toBe(LAUNCH_TYPES.EC2);
    expect(placement!.capacityProvider!.meaning).toMatch(/Auto Scaling group/);
    expect(parseEcsPlacement({}, task)).toBeNull();
    expect(parseEcsPlacement(undefined, task)).toBeNull();
    expect(parseEcsPlacement({ [LAUNCH_TYPE_LABEL]: 3 }, task)).toBeNull();
  });

  it("gives no console link when neither the ARN nor the task carries a region", () => {
    const placement = parseEcsPlacement({ [TASK_DEFINITION_LABEL]: "ecsflow-hello:7" }, parseEcsTask("default::abc123"));
    expect(placement!.taskDefinition).toEqual({ arn: "ecsflow-hello:7", revision: "ecsflow-hello:7", consoleUrl: null });
    expect(placement!.capacityConsoleUrl).toBeNull();
  });
});
