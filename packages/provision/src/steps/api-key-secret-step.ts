import { CreateSecretCommand, DescribeSecretCommand, GetSecretValueCommand, PutSecretValueCommand } from "@aws-sdk/client-secrets-manager";
import { aws, awsOrMissing, ProvisionError } from "../provision-error.js";
import type { Step } from "../plan.js";
import { managedTags } from "../resource-names.js";

/**
 * The API key as a Secrets Manager secret: an existing one (--api-key-secret-arn) is checked, a new
 * one (--create-api-key-secret) made once; the key itself is never printed.
 */
export const apiKeySecretStep: Step = {
  resource: "Secrets Manager secret",
  name: (ctx) => ctx.settings.apiKeySecretArn ?? ctx.settings.names.secret,
  async run(ctx) {
    const given = ctx.settings.apiKeySecretArn;
    const id = given ?? ctx.settings.names.secret;
    const found = await awsOrMissing("secretsmanager:DescribeSecret", `secret ${id}`, ["ResourceNotFoundException"], () => ctx.aws.secrets.send(new DescribeSecretCommand({ SecretId: id })));
    if (found) {
      ctx.secretArn = found.ARN;
      // A new key for a secret provision made (a rotated key, a rerun of `up`) becomes its current
      // value: ECS reads it at each task start, so new workers and runs get it.
      const key = ctx.settings.createSecretWithKey;
      if (given || key === undefined || ctx.dryRun) return { action: "exists" };
      const current = await aws("secretsmanager:GetSecretValue", `secret ${id}`, () => ctx.aws.secrets.send(new GetSecretValueCommand({ SecretId: found.ARN })));
      if (current.SecretString === key) return { action: "exists" };
      await aws("secretsmanager:PutSecretValue", `secret ${id}`, () => ctx.aws.secrets.send(new PutSecretValueCommand({ SecretId: found.ARN, SecretString: key })));
      return { action: "update", detail: "new API key" };
    }
    if (given) throw new ProvisionError(`The API key secret ${given} does not exist (or is not readable); check --api-key-secret-arn.`);
    const key = ctx.settings.createSecretWithKey;
    if (key === undefined) throw new ProvisionError("--create-api-key-secret needs the API key: set ECSFLOW_API_KEY (or PREFECT_API_KEY).");
    if (ctx.dryRun) {
      // Its real ARN ends in a random suffix AWS picks at creation.
      ctx.secretArn = `arn:aws:secretsmanager:${ctx.region}:${ctx.accountId}:secret:${id}`;
    } else {
      const created = await aws("secretsmanager:CreateSecret", `secret ${id}`, () =>
        ctx.aws.secrets.send(new CreateSecretCommand({ Name: id, SecretString: key, Description: `ecsflow API key for the worker of pool ${ctx.settings.pool}`, Tags: managedTags(ctx.settings.pool).map((t) => ({ Key: t.key, Value: t.value })) })),
      );
      ctx.secretArn = created.ARN;
    }
    return { action: "create" };
  },
};
