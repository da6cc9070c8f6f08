import type { OperationContext, ServiceDefinition } from "../../protocol/service-definition.js";

/** STS (query protocol): who am I. ecs-local answers as the account's root user. */
export function createStsService(): ServiceDefinition {
  return {
    name: "sts",
    protocol: "query",
    xmlNamespace: "https://sts.amazonaws.com/doc/2011-06-15/",
    errors: {
      missingParameter: { code: "MissingParameter", status: 400 },
      invalidType: { code: "ValidationError", status: 400 },
      throttling: { code: "Throttling", status: 400 },
      serverError: { code: "InternalFailure", status: 500 },
    },
    operations: {
      GetCallerIdentity(_input: unknown, ctx: OperationContext) {
        return { UserId: ctx.accountId, Account: ctx.accountId, Arn: `arn:aws:iam::${ctx.accountId}:root` };
      },
    },
  };
}
