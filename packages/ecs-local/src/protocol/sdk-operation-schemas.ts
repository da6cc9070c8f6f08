import * as logs from "@aws-sdk/client-cloudwatch-logs";
import * as ecs from "@aws-sdk/client-ecs";
import * as events from "@aws-sdk/client-eventbridge";
import * as secretsManager from "@aws-sdk/client-secrets-manager";
import * as sqs from "@aws-sdk/client-sqs";
import { NormalizedSchema } from "@smithy/core/schema";

/**
 * The AWS SDK v3 ships every operation's input schema (`RunTask$` = [9, ns, name, traits, input,
 * output]); they are newer than botocore's models (RunTask's `clientToken`) and they are what real
 * clients send, so ecs-local validates JSON inputs against them rather than against a copy of its own.
 */
const MODULES: Record<string, Record<string, unknown>> = {
  ecs: ecs as unknown as Record<string, unknown>,
  logs: logs as unknown as Record<string, unknown>,
  secretsmanager: secretsManager as unknown as Record<string, unknown>,
  sqs: sqs as unknown as Record<string, unknown>,
  events: events as unknown as Record<string, unknown>,
};

export function operationInputSchema(service: string, operation: string): NormalizedSchema | undefined {
  const op = MODULES[service]?.[`${operation}$`];
  if (!Array.isArray(op) || op[0] !== 9) return undefined;
  return NormalizedSchema.of(op[4]);
}

/** How many leading members of a structure schema are required (the static schema's 7th slot). */
export function requiredMemberCount(schema: NormalizedSchema): number {
  const raw = schema.getSchema() as unknown;
  return Array.isArray(raw) && typeof raw[6] === "number" ? raw[6] : 0;
}
