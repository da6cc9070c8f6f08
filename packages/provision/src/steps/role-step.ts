import { AttachRolePolicyCommand, CreateRoleCommand, GetRoleCommand, GetRolePolicyCommand, ListAttachedRolePoliciesCommand, PutRolePolicyCommand } from "@aws-sdk/client-iam";
import { aws, awsOrMissing } from "../provision-error.js";
import type { ProvisionContext, Step } from "../plan.js";
import { ECS_TASKS_TRUST, EXECUTION_INLINE_POLICY, EXECUTION_MANAGED_POLICY, executionPolicy, sameDocument, WORKER_INLINE_POLICY, workerPolicy } from "../policies.js";
import { managedTags } from "../resource-names.js";

interface RoleSpec {
  name: string;
  description: string;
  managed: string[];
  inline: Record<string, object>;
}

/** A role ECS tasks assume: created with its policies, or its policies brought up to date. */
function roleStep(resource: string, spec: (ctx: ProvisionContext) => RoleSpec, onArn: (ctx: ProvisionContext, arn: string) => void): Step {
  return {
    resource,
    name: (ctx) => spec(ctx).name,
    async run(ctx) {
      const { iam } = ctx.aws;
      const s = spec(ctx);
      const what = `role ${s.name}`;
      const role = await awsOrMissing("iam:GetRole", what, ["NoSuchEntity", "NoSuchEntityException"], () => iam.send(new GetRoleCommand({ RoleName: s.name })));
      const apply = async (managed: string[], inline: string[]) => {
        if (ctx.dryRun) return;
        for (const arn of managed) await aws("iam:AttachRolePolicy", what, () => iam.send(new AttachRolePolicyCommand({ RoleName: s.name, PolicyArn: arn })));
        for (const p of inline) await aws("iam:PutRolePolicy", what, () => iam.send(new PutRolePolicyCommand({ RoleName: s.name, PolicyName: p, PolicyDocument: JSON.stringify(s.inline[p]) })));
      };
      if (!role?.Role) {
        if (!ctx.dryRun) {
          const created = await aws("iam:CreateRole", what, () =>
            iam.send(new CreateRoleCommand({ RoleName: s.name, AssumeRolePolicyDocument: JSON.stringify(ECS_TASKS_TRUST), Description: s.description, Tags: managedTags(ctx.settings.pool).map((t) => ({ Key: t.key, Value: t.value })) })),
          );
          onArn(ctx, created.Role!.Arn!);
        }
        await apply(s.managed, Object.keys(s.inline));
        return { action: "create" };
      }
      onArn(ctx, role.Role.Arn!);
      const attached = await aws("iam:ListAttachedRolePolicies", what, () => iam.send(new ListAttachedRolePoliciesCommand({ RoleName: s.name })));
      const missingManaged = s.managed.filter((arn) => !attached.AttachedPolicies?.some((p) => p.PolicyArn === arn));
      const staleInline: string[] = [];
      for (const [policyName, doc] of Object.entries(s.inline)) {
        const stored = await awsOrMissing("iam:GetRolePolicy", what, ["NoSuchEntity", "NoSuchEntityException"], () => iam.send(new GetRolePolicyCommand({ RoleName: s.name, PolicyName: policyName })));
        if (!sameDocument(stored?.PolicyDocument, doc)) staleInline.push(policyName);
      }
      const notes: string[] = [];
      // UpdateAssumeRolePolicy is left to the user: a changed trust policy may be deliberate.
      if (!sameDocument(role.Role.AssumeRolePolicyDocument, ECS_TASKS_TRUST)) notes.push("its trust policy differs from ecs-tasks.amazonaws.com (left as is)");
      if (missingManaged.length === 0 && staleInline.length === 0) return { action: "exists", detail: notes.join("; ") || undefined };
      await apply(missingManaged, staleInline);
      return { action: "update", detail: [...missingManaged.map((a) => `attach ${a}`), ...staleInline.map((p) => `policy ${p}`), ...notes].join("; ") };
    },
  };
}

const roleArn = (ctx: ProvisionContext, name: string) => `arn:aws:iam::${ctx.accountId}:role/${name}`;

export const executionRoleStep = roleStep(
  "IAM task execution role",
  (ctx) => ({ name: ctx.settings.names.executionRole, description: `ecsflow: pulls images, writes logs and reads the API key for pool ${ctx.settings.pool}`, managed: [EXECUTION_MANAGED_POLICY], inline: { [EXECUTION_INLINE_POLICY]: executionPolicy(ctx.secretArn) } }),
  (ctx, arn) => (ctx.executionRoleArn = arn),
);

export const workerRoleStep = roleStep(
  "IAM worker task role",
  (ctx) => ({
    name: ctx.settings.names.workerRole,
    description: `ecsflow: the worker of pool ${ctx.settings.pool} (runs flow-run tasks)`,
    managed: [],
    inline: { [WORKER_INLINE_POLICY]: workerPolicy(ctx.executionRoleArn, roleArn(ctx, ctx.settings.names.workerRole), ctx.taskEventsQueueArn) },
  }),
  (ctx, arn) => (ctx.workerRoleArn = arn),
);

export { roleArn };
