// Secrets Manager DescribeSecret: an `api_key_secret_arn` that does not exist is explained before
// RunTask, instead of surfacing later as the task's ResourceInitializationError. Only "not found"
// stops a run; a worker not allowed to describe the secret (it only needs the execution role to
// read it) goes ahead. Answers are cached per client set.

import { DescribeSecretCommand } from "@aws-sdk/client-secrets-manager";
import type { AwsClientSet } from "./aws-clients.js";
import { errorName } from "./aws-errors.js";

export type SecretCheck = "exists" | "missing" | "unknown";

export class SecretChecker {
  private readonly cache = new Map<string, Promise<SecretCheck>>();

  check(clients: AwsClientSet, arn: string): Promise<SecretCheck> {
    // SSM parameters and secrets of other accounts are for the execution role to read; not checked.
    if (!/^arn:aws[\w-]*:secretsmanager:/.test(arn)) return Promise.resolve("unknown");
    // A valueFrom may end in :json-key:version-stage:version-id; the secret is the first 7 parts.
    const secretId = arn.split(":").slice(0, 7).join(":");
    const key = `${clients.key}|${secretId}`;
    let p = this.cache.get(key);
    if (!p) {
      p = clients.secrets.send(new DescribeSecretCommand({ SecretId: secretId })).then(
        () => "exists" as const,
        (err) => (errorName(err) === "ResourceNotFoundException" ? ("missing" as const) : ("unknown" as const)),
      );
      this.cache.set(key, p);
      // A missing secret may be created any moment: only keep positive answers.
      void p.then((r) => r !== "exists" && this.cache.delete(key));
    }
    return p;
  }
}
