import { CreateSecretCommand, DescribeSecretCommand } from "@aws-sdk/client-secrets-manager";
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
      return { action: "exists" };
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
