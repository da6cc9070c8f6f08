import { AwsError } from "../../errors.js";
import { checkEnum, checkRange } from "../../protocol/input-checks.js";
import { paginate } from "../../protocol/paginate.js";
import type { TaskRecord } from "../../state/ecs-local-state.js";
import { activeCluster } from "./clusters.js";
import type { EcsContext } from "./ecs-context.js";
import { INVALID } from "./ecs-validation.js";
import { taskView } from "./ecs-views.js";

const lastPurge = new WeakMap<object, number>();

/** Drops STOPPED tasks older than the retention (AWS keeps them describable for about an hour); at most once a second. */
export function purgeExpiredTasks(ctx: EcsContext, now: number): void {
  if ((lastPurge.get(ctx.state) ?? -Infinity) > now - 1000) return;
  lastPurge.set(ctx.state, now);
  let changed = false;
  for (const [arn, t] of Object.entries(ctx.state.data.tasks)) {
    if (t.lastStatus === "STOPPED" && (t.stoppedAt ?? 0) + ctx.options.stoppedTaskRetentionMs < now) {
      delete ctx.state.data.tasks[arn];
      changed = true;
    }
  }
  for (const [key, token] of Object.entries(ctx.state.data.clientTokens)) {
    if (token.createdAt + Math.max(ctx.options.stoppedTaskRetentionMs, 86_400_000) < now) {
      delete ctx.state.data.clientTokens[key];
      changed = true;
    }
  }
  if (changed) ctx.state.markChanged();
}

/** A task in the cluster by ID or ARN, or undefined. */
export function findTask(ctx: EcsContext, clusterArn: string, ref: string): TaskRecord | undefined {
  const { id, clusterName } = ctx.arns.taskRef(ref);
  const clusterName2 = clusterArn.slice(clusterArn.lastIndexOf("/") + 1);
  if (clusterName !== undefined && clusterName !== clusterName2) return undefined;
  return ctx.state.data.tasks[ctx.arns.task(clusterName2, id)];
}

export function taskOperations(ctx: EcsContext) {
  return {
    DescribeTasks(input: { cluster?: string; tasks: string[]; include?: string[] }, op: { now: number }) {
      purgeExpiredTasks(ctx, op.now);
      const cluster = activeCluster(ctx, input.cluster);
      if (input.tasks.length === 0) throw new AwsError(INVALID, "Tasks cannot be empty.");
      if (input.tasks.length > 100) throw new AwsError(INVALID, "Tasks cannot have more than 100 elements.");
      const includeTags = input.include?.includes("TAGS") ?? false;
      const tasks: Record<string, unknown>[] = [];
      const failures: { arn: string; reason: string }[] = [];
      for (const ref of input.tasks) {
        let task: TaskRecord | undefined;
        try {
          task = findTask(ctx, cluster.arn, ref);
        } catch {
          task = undefined;
        }
        if (task) tasks.push(taskView(ctx, task, includeTags));
        else failures.push({ arn: ref.startsWith("arn:") ? ref : ctx.arns.task(cluster.name, ref), reason: "MISSING" });
      }
      return { tasks, failures };
    },

    ListTasks(
      input: { cluster?: string; containerInstance?: string; family?: string; nextToken?: string; maxResults?: number; startedBy?: string; serviceName?: string; desiredStatus?: string; launchType?: string },
      op: { now: number },
    ) {
      purgeExpiredTasks(ctx, op.now);
      const cluster = activeCluster(ctx, input.cluster);
      checkRange(input.maxResults, 1, 100, "maxResults", INVALID);
      checkEnum(input.desiredStatus, ["RUNNING", "PENDING", "STOPPED"], "desiredStatus", INVALID);
      checkEnum(input.launchType, ["EC2", "FARGATE", "EXTERNAL"], "launchType", INVALID);
      if (input.family !== undefined && input.serviceName !== undefined) throw new AwsError(INVALID, "family and serviceName cannot both be specified.");
      let serviceArn: string | undefined;
      if (input.serviceName !== undefined) {
        const { name } = ctx.arns.serviceRef(input.serviceName);
        const service = ctx.state.data.services[ctx.arns.service(cluster.name, name)];
        if (!service) throw new AwsError("ServiceNotFoundException", "Service not found.");
        serviceArn = service.arn;
      }
      // ECS lists a task under the status it is heading to; "PENDING" lists nothing.
      const desired = input.desiredStatus ?? "RUNNING";
      const arns = Object.values(ctx.state.data.tasks)
        .filter(
          (t) =>
            t.clusterArn === cluster.arn &&
            t.desiredStatus === desired &&
            (input.family === undefined || t.family === input.family) &&
            (input.startedBy === undefined || t.startedBy === input.startedBy) &&
            (serviceArn === undefined || t.serviceArn === serviceArn) &&
            (input.launchType === undefined || t.launchType === input.launchType),
        )
        .sort((a, b) => a.createdAt - b.createdAt || (a.arn < b.arn ? -1 : 1))
        .map((t) => t.arn);
      const { page, nextToken } = paginate(arns, input.maxResults ?? 100, input.nextToken, INVALID);
      return { taskArns: page, nextToken };
    },

    StopTask(input: { cluster?: string; task: string; reason?: string }) {
      const cluster = activeCluster(ctx, input.cluster);
      if (input.reason !== undefined && input.reason.length > 255) throw new AwsError(INVALID, "reason can be at most 255 characters.");
      const task = findTask(ctx, cluster.arn, input.task);
      if (!task) throw new AwsError(INVALID, "The referenced task was not found.");
      ctx.runtime.stop(task, "UserInitiated", input.reason ?? "Task stopped by user");
      return { task: taskView(ctx, task, true) };
    },
  };
}
