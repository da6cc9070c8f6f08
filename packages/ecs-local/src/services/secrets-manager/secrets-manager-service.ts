import { AwsError } from "../../errors.js";
import { checkLength, checkPattern } from "../../protocol/input-checks.js";
import type { OperationContext, ServiceDefinition } from "../../protocol/service-definition.js";
import type { SecretRecord } from "../../state/ecs-local-state.js";
import type { SecretStore } from "./secret-store.js";

const INVALID = "InvalidParameterException";
const NAME = /^[A-Za-z0-9/_+=.@-]+$/;

interface SecretValueInput {
  SecretString?: string;
  SecretBinary?: string;
  ClientRequestToken?: string;
}

/** Secrets Manager (JSON 1.1, target prefix `secretsmanager`): create, read and rotate by hand. */
export function createSecretsManagerService(store: SecretStore): ServiceDefinition {
  const find = (id: string): SecretRecord => {
    const secret = store.find(id);
    if (!secret) throw new AwsError("ResourceNotFoundException", "Secrets Manager can't find the specified secret.");
    return secret;
  };
  const checkValue = (input: SecretValueInput): void => {
    if (input.SecretString !== undefined && input.SecretBinary !== undefined) {
      throw new AwsError(INVALID, "You can't specify both a binary secret value and a string secret value in the same secret.");
    }
    checkLength(input.SecretString, 1, 65_536, "secretString", INVALID);
    checkLength(input.ClientRequestToken, 32, 64, "clientRequestToken", INVALID);
  };

  return {
    name: "secretsmanager",
    protocol: "json",
    targetPrefix: "secretsmanager",
    errors: {
      missingParameter: { code: INVALID, status: 400 },
      invalidType: { code: "SerializationException", status: 400 },
      throttling: { code: "ThrottlingException", status: 400 },
      serverError: { code: "InternalServiceError", status: 500 },
    },
    operations: {
      CreateSecret(input: SecretValueInput & { Name: string; Description?: string; KmsKeyId?: string; Tags?: { Key: string; Value: string }[] }, ctx: OperationContext) {
        checkLength(input.Name, 1, 512, "name", INVALID);
        checkPattern(input.Name, NAME, "name", INVALID);
        checkLength(input.Description, 0, 2048, "description", INVALID);
        checkValue(input);
        if (store.find(input.Name)) throw new AwsError("ResourceExistsException", `The operation failed because the secret ${input.Name} already exists.`);
        const secret = store.create(input.Name, ctx.now, { description: input.Description, kmsKeyId: input.KmsKeyId, tags: input.Tags ?? [] });
        let versionId: string | undefined;
        if (input.SecretString !== undefined || input.SecretBinary !== undefined) {
          versionId = store.putValue(secret, { secretString: input.SecretString, secretBinary: input.SecretBinary }, input.ClientRequestToken, undefined, ctx.now).versionId;
        }
        return { ARN: secret.arn, Name: secret.name, VersionId: versionId };
      },

      GetSecretValue(input: { SecretId: string; VersionId?: string; VersionStage?: string }, ctx: OperationContext) {
        checkLength(input.SecretId, 1, 2048, "secretId", INVALID);
        const secret = find(input.SecretId);
        const v = store.version(secret, input.VersionId, input.VersionStage);
        store.touch(secret, ctx.now);
        return { ARN: secret.arn, Name: secret.name, VersionId: v.versionId, SecretString: v.secretString, SecretBinary: v.secretBinary, VersionStages: v.stages, CreatedDate: v.createdAt / 1000 };
      },

      DescribeSecret(input: { SecretId: string }) {
        checkLength(input.SecretId, 1, 2048, "secretId", INVALID);
        const s = find(input.SecretId);
        return {
          ARN: s.arn,
          Name: s.name,
          Description: s.description,
          KmsKeyId: s.kmsKeyId,
          LastChangedDate: s.lastChangedAt / 1000,
          LastAccessedDate: s.lastAccessedAt === undefined ? undefined : s.lastAccessedAt / 1000,
          Tags: s.tags,
          VersionIdsToStages: Object.fromEntries(Object.values(s.versions).map((v) => [v.versionId, v.stages])),
          CreatedDate: s.createdAt / 1000,
        };
      },

      DeleteSecret(input: { SecretId: string; ForceDeleteWithoutRecovery?: boolean; RecoveryWindowInDays?: number }, ctx: OperationContext) {
        checkLength(input.SecretId, 1, 2048, "secretId", INVALID);
        if (input.ForceDeleteWithoutRecovery && input.RecoveryWindowInDays !== undefined) {
          throw new AwsError(INVALID, "You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.");
        }
        const s = find(input.SecretId);
        // No recovery window here: the secret goes at once either way (there is no RestoreSecret).
        store.delete(s);
        const days = input.ForceDeleteWithoutRecovery ? 0 : (input.RecoveryWindowInDays ?? 30);
        return { ARN: s.arn, Name: s.name, DeletionDate: (ctx.now + days * 86_400_000) / 1000 };
      },

      PutSecretValue(input: SecretValueInput & { SecretId: string; VersionStages?: string[] }, ctx: OperationContext) {
        checkLength(input.SecretId, 1, 2048, "secretId", INVALID);
        checkValue(input);
        if (input.SecretString === undefined && input.SecretBinary === undefined) {
          throw new AwsError("InvalidRequestException", "You must provide either SecretString or SecretBinary.");
        }
        checkLength(input.VersionStages, 1, 20, "versionStages", INVALID);
        const secret = find(input.SecretId);
        const v = store.putValue(secret, { secretString: input.SecretString, secretBinary: input.SecretBinary }, input.ClientRequestToken, input.VersionStages, ctx.now);
        return { ARN: secret.arn, Name: secret.name, VersionId: v.versionId, VersionStages: v.stages };
      },
    },
  };
}
