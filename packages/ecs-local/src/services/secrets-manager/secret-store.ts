import { randomUUID } from "node:crypto";
import { AwsError } from "../../errors.js";
import { newAlnum } from "../../ids.js";
import type { EcsLocalState, SecretRecord, SecretVersionRecord } from "../../state/ecs-local-state.js";

/** Secrets Manager's storage, shared by the API and by the ECS agent's `secrets` resolution. */
export class SecretStore {
  constructor(
    private readonly state: EcsLocalState,
    private readonly region: string,
    private readonly accountId: string,
  ) {}

  /** A name, a full ARN, or a partial ARN (without the 6-character suffix). */
  find(secretId: string): SecretRecord | undefined {
    const secrets = this.state.data.secrets;
    if (secrets[secretId]) return secrets[secretId];
    const all = Object.values(secrets);
    const m = /^arn:aws[a-z-]*:secretsmanager:[^:]*:\d{12}:secret:(.+)$/.exec(secretId);
    if (m) return all.find((s) => s.arn.endsWith(`:secret:${m[1]}`) || s.name === m[1]);
    return all.find((s) => s.name === secretId);
  }

  create(name: string, now: number, fields: Pick<SecretRecord, "description" | "kmsKeyId" | "tags">): SecretRecord {
    const arn = `arn:aws:secretsmanager:${this.region}:${this.accountId}:secret:${name}-${newAlnum(6)}`;
    const secret: SecretRecord = { arn, name, createdAt: now, lastChangedAt: now, versions: {}, ...fields };
    this.state.data.secrets[arn] = secret;
    this.state.markChanged();
    return secret;
  }

  delete(secret: SecretRecord): void {
    delete this.state.data.secrets[secret.arn];
    this.state.markChanged();
  }

  /**
   * Adds a version and moves the given stages (AWSCURRENT by default) to it; the version that held
   * AWSCURRENT becomes AWSPREVIOUS. A repeated token with the same value is a no-op, as in AWS.
   */
  putValue(secret: SecretRecord, value: { secretString?: string; secretBinary?: string }, token: string | undefined, stages: string[] | undefined, now: number): SecretVersionRecord {
    const versionId = token ?? randomUUID();
    const existing = secret.versions[versionId];
    if (existing) {
      if (existing.secretString === value.secretString && existing.secretBinary === value.secretBinary) return existing;
      throw new AwsError("ResourceExistsException", "You can't modify an existing version, you can only create a new version.");
    }
    const newStages = stages ?? ["AWSCURRENT"];
    if (newStages.includes("AWSCURRENT")) {
      const current = Object.values(secret.versions).find((v) => v.stages.includes("AWSCURRENT"));
      for (const v of Object.values(secret.versions)) v.stages = v.stages.filter((s) => s !== "AWSPREVIOUS");
      if (current) current.stages = current.stages.filter((s) => s !== "AWSCURRENT").concat("AWSPREVIOUS");
    }
    for (const v of Object.values(secret.versions)) v.stages = v.stages.filter((s) => s === "AWSPREVIOUS" || s === "AWSCURRENT" || !newStages.includes(s));
    // Versions without a stage are deprecated; AWS drops them eventually, we drop them now.
    for (const [id, v] of Object.entries(secret.versions)) if (v.stages.length === 0) delete secret.versions[id];
    const version: SecretVersionRecord = { versionId, stages: newStages, createdAt: now, ...value };
    secret.versions[versionId] = version;
    secret.lastChangedAt = now;
    this.state.markChanged();
    return version;
  }

  /** The version GetSecretValue returns: by ID, by stage, or AWSCURRENT. */
  version(secret: SecretRecord, versionId?: string, stage?: string): SecretVersionRecord {
    const versions = Object.values(secret.versions);
    const v = versionId !== undefined ? secret.versions[versionId] : versions.find((x) => x.stages.includes(stage ?? "AWSCURRENT"));
    if (!v || (versionId !== undefined && stage !== undefined && !v.stages.includes(stage))) {
      throw new AwsError(
        "ResourceNotFoundException",
        versionId !== undefined ? `Secrets Manager can't find the specified secret value for VersionId: ${versionId}` : `Secrets Manager can't find the specified secret value for staging label: ${stage ?? "AWSCURRENT"}`,
      );
    }
    return v;
  }

  touch(secret: SecretRecord, now: number): void {
    // AWS records the access date only (midnight UTC).
    secret.lastAccessedAt = Math.floor(now / 86_400_000) * 86_400_000;
    this.state.markChanged();
  }

  /**
   * Resolves a container `secrets[].valueFrom` as the ECS agent does for Secrets Manager:
   * `arn:…:secret:NAME[-SUFFIX][:json-key[:version-stage[:version-id]]]`. Throws an Error whose
   * message is the agent's reason when it cannot.
   */
  resolveForTask(valueFrom: string, now: number): string {
    const parts = valueFrom.split(":");
    if (parts[0] !== "arn" || parts[2] !== "secretsmanager" || parts.length < 7) {
      if (parts[0] === "arn" && parts[2] === "ssm") throw new Error(`unable to retrieve ssm parameter ${valueFrom}: SSM Parameter Store is not implemented by ecs-local`);
      // A bare name is how ECS reads SSM parameters in the same Region.
      throw new Error(`unable to retrieve ssm parameter ${valueFrom}: SSM Parameter Store is not implemented by ecs-local; use a Secrets Manager ARN`);
    }
    const arn = parts.slice(0, 7).join(":");
    const [jsonKey, stage, versionId] = [parts[7], parts[8], parts[9]].map((p) => (p === "" ? undefined : p));
    const secret = this.find(arn);
    if (!secret) throw new Error(`failed to fetch secret ${arn} from secrets manager: ResourceNotFoundException: Secrets Manager can't find the specified secret.`);
    let version: SecretVersionRecord;
    try {
      version = this.version(secret, versionId, stage);
    } catch (err) {
      throw new Error(`failed to fetch secret ${arn} from secrets manager: ResourceNotFoundException: ${(err as Error).message}`);
    }
    this.touch(secret, now);
    const text = version.secretString ?? Buffer.from(version.secretBinary ?? "", "base64").toString("utf8");
    if (jsonKey === undefined) return text;
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch {
      throw new Error(`retrieved secret from Secrets Manager did not contain json key ${jsonKey}`);
    }
    const v = doc && typeof doc === "object" ? (doc as Record<string, unknown>)[jsonKey] : undefined;
    if (v === undefined) throw new Error(`retrieved secret from Secrets Manager did not contain json key ${jsonKey}`);
    return typeof v === "string" ? v : JSON.stringify(v);
  }
}
