// Event-driven task watching: an SQS queue that EventBridge may send to, and a rule sending the
// cluster's ECS Task State Change events there. The worker reads the queue (its role may, see
// policies.ts; its task definition names the queue in ECSFLOW_ECS_TASK_EVENTS_QUEUE_URL).

import { DescribeRuleCommand, ListTargetsByRuleCommand, PutRuleCommand, PutTargetsCommand } from "@aws-sdk/client-eventbridge";
import { CreateQueueCommand, GetQueueAttributesCommand, GetQueueUrlCommand, SetQueueAttributesCommand } from "@aws-sdk/client-sqs";
import type { ProvisionContext, Step } from "../plan.js";
import { sameDocument, taskEventsPattern, taskEventsQueuePolicy } from "../policies.js";
import { aws, awsOrMissing, ProvisionError } from "../provision-error.js";
import { managedTags } from "../resource-names.js";

/** An hour: an older state change is one the worker's DescribeTasks fallback has long since seen. */
export const TASK_EVENTS_RETENTION_SECONDS = "3600";
export const TASK_EVENTS_TARGET_ID = "ecsflow-worker-task-events";

const ruleArnOf = (ctx: ProvisionContext) => `arn:aws:events:${ctx.region}:${ctx.accountId}:rule/${ctx.settings.names.taskEventsRule}`;
const queueArnOf = (ctx: ProvisionContext) => `arn:aws:sqs:${ctx.region}:${ctx.accountId}:${ctx.settings.names.taskEventsQueue}`;
const clusterArnOf = (ctx: ProvisionContext) => ctx.clusterArn ?? `arn:aws:ecs:${ctx.region}:${ctx.accountId}:cluster/${ctx.settings.names.cluster}`;
/** Rules have no tag lookup in every account's tooling; teardown knows ours by this description. */
export const ruleDescription = (pool: string) => `Created by \`ecsflow ecs provision\`: ECS task state changes for pool ${pool}'s worker.`.slice(0, 512);

export const taskEventsQueueStep: Step = {
  resource: "SQS queue (task events)",
  name: (ctx) => ctx.settings.names.taskEventsQueue,
  async run(ctx) {
    const { sqs } = ctx.aws;
    const name = ctx.settings.names.taskEventsQueue;
    const what = `queue ${name}`;
    const wanted = { MessageRetentionPeriod: TASK_EVENTS_RETENTION_SECONDS, Policy: taskEventsQueuePolicy(queueArnOf(ctx), ruleArnOf(ctx)) };
    const found = await awsOrMissing("sqs:GetQueueUrl", what, ["QueueDoesNotExist", "AWS.SimpleQueueService.NonExistentQueue"], () => sqs.send(new GetQueueUrlCommand({ QueueName: name })));
    if (!found?.QueueUrl) {
      if (ctx.dryRun) {
        ctx.taskEventsQueueUrl = `https://sqs.${ctx.region}.amazonaws.com/${ctx.accountId}/${name}`;
        ctx.taskEventsQueueArn = queueArnOf(ctx);
        return { action: "create" };
      }
      const tags = Object.fromEntries(managedTags(ctx.settings.pool).map((t) => [t.key, t.value]));
      const created = await aws("sqs:CreateQueue", what, () =>
        sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: { MessageRetentionPeriod: wanted.MessageRetentionPeriod, Policy: JSON.stringify(wanted.Policy) }, tags })),
      );
      ctx.taskEventsQueueUrl = created.QueueUrl;
      const attrs = await aws("sqs:GetQueueAttributes", what, () => sqs.send(new GetQueueAttributesCommand({ QueueUrl: created.QueueUrl, AttributeNames: ["QueueArn"] })));
      ctx.taskEventsQueueArn = attrs.Attributes?.QueueArn ?? queueArnOf(ctx);
      return { action: "create" };
    }
    ctx.taskEventsQueueUrl = found.QueueUrl;
    const attrs = await aws("sqs:GetQueueAttributes", what, () => sqs.send(new GetQueueAttributesCommand({ QueueUrl: found.QueueUrl, AttributeNames: ["QueueArn", "Policy", "MessageRetentionPeriod"] })));
    ctx.taskEventsQueueArn = attrs.Attributes?.QueueArn ?? queueArnOf(ctx);
    const stale: Record<string, string> = {};
    if (!sameDocument(attrs.Attributes?.Policy, wanted.Policy)) stale.Policy = JSON.stringify(wanted.Policy);
    if (attrs.Attributes?.MessageRetentionPeriod !== TASK_EVENTS_RETENTION_SECONDS) stale.MessageRetentionPeriod = TASK_EVENTS_RETENTION_SECONDS;
    if (Object.keys(stale).length === 0) return { action: "exists" };
    if (!ctx.dryRun) await aws("sqs:SetQueueAttributes", what, () => sqs.send(new SetQueueAttributesCommand({ QueueUrl: found.QueueUrl, Attributes: stale })));
    return { action: "update", detail: Object.keys(stale).join(", ") };
  },
};

export const taskEventsRuleStep: Step = {
  resource: "EventBridge rule (task events)",
  name: (ctx) => ctx.settings.names.taskEventsRule,
  async run(ctx) {
    const { events } = ctx.aws;
    const name = ctx.settings.names.taskEventsRule;
    const what = `rule ${name}`;
    const pattern = taskEventsPattern(clusterArnOf(ctx));
    const description = ruleDescription(ctx.settings.pool);
    const queueArn = ctx.taskEventsQueueArn ?? queueArnOf(ctx);
    const found = await awsOrMissing("events:DescribeRule", what, ["ResourceNotFoundException"], () => events.send(new DescribeRuleCommand({ Name: name })));
    const changes: string[] = [];
    if (!found) changes.push("rule");
    else {
      if (!sameDocument(found.EventPattern, pattern)) changes.push("event pattern");
      if (found.State !== "ENABLED") changes.push("state");
      if (found.Description !== description) changes.push("description");
    }
    if (changes.length && !ctx.dryRun) {
      const tags = managedTags(ctx.settings.pool).map((t) => ({ Key: t.key, Value: t.value }));
      // PutRule creates or replaces; tags apply only when it creates.
      await aws("events:PutRule", what, () => events.send(new PutRuleCommand({ Name: name, EventPattern: JSON.stringify(pattern), State: "ENABLED", Description: description, ...(found ? {} : { Tags: tags }) })));
    }
    const targets = found ? await aws("events:ListTargetsByRule", what, () => events.send(new ListTargetsByRuleCommand({ Rule: name }))) : undefined;
    if (!targets?.Targets?.some((t) => t.Arn === queueArn)) {
      if (found) changes.push(`target ${queueArn}`);
      if (!ctx.dryRun) {
        const out = await aws("events:PutTargets", what, () => events.send(new PutTargetsCommand({ Rule: name, Targets: [{ Id: TASK_EVENTS_TARGET_ID, Arn: queueArn }] })));
        if (out.FailedEntryCount) throw new ProvisionError(`events:PutTargets for ${what} failed: ${out.FailedEntries?.map((e) => `${e.ErrorCode}: ${e.ErrorMessage}`).join("; ")}`);
      }
    }
    if (!found) return { action: "create" };
    return changes.length ? { action: "update", detail: changes.join(", ") } : { action: "exists" };
  },
};
