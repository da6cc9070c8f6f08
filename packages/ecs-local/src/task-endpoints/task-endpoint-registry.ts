import { randomBytes, randomUUID } from "node:crypto";

/** What a container's endpoints answer for: its task, and the container's name. */
export interface ContainerRef {
  taskArn: string;
  containerName: string;
}

export interface IssuedCredentials {
  taskArn: string;
  roleArn: string;
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  /** The value the task must send as `Authorization` (AWS_CONTAINER_AUTHORIZATION_TOKEN). */
  authorization: string;
  expiration: number;
}

/** Temporary credentials last this long, as the ECS agent's role credentials do (at least 1 h; refreshed before expiry). */
const CREDENTIALS_LIFETIME_MS = 6 * 3_600_000;

/**
 * The per-task secrets behind ECS_CONTAINER_METADATA_URI_V4 and AWS_CONTAINER_CREDENTIALS_FULL_URI:
 * unguessable path tokens, so one task cannot read another's metadata or role credentials by
 * guessing a URL. In memory only: a restarted ecs-local has no running tasks to answer for.
 */
export class TaskEndpointRegistry {
  private readonly metadata = new Map<string, ContainerRef>();
  private readonly credentials = new Map<string, IssuedCredentials>();
  private readonly byTask = new Map<string, string[]>();

  /** A new metadata token for one container of a task. */
  metadataToken(ref: ContainerRef): string {
    const token = randomUUID();
    this.metadata.set(token, ref);
    this.remember(ref.taskArn, token);
    return token;
  }

  /** Credentials for the task role, and the token that names them. */
  issueCredentials(taskArn: string, roleArn: string, now: number): { token: string; credentials: IssuedCredentials } {
    const token = randomUUID();
    const credentials: IssuedCredentials = {
      taskArn,
      roleArn,
      // Temporary credentials start with ASIA, as STS's do; the rest is random.
      accessKeyId: `ASIA${randomBytes(8).toString("hex").toUpperCase()}`,
      secretAccessKey: randomBytes(30).toString("base64"),
      sessionToken: randomBytes(48).toString("base64"),
      authorization: randomBytes(24).toString("hex"),
      expiration: now + CREDENTIALS_LIFETIME_MS,
    };
    this.credentials.set(token, credentials);
    this.remember(taskArn, token);
    return { token, credentials };
  }

  container(token: string): ContainerRef | undefined {
    return this.metadata.get(token);
  }

  credentialsFor(token: string): IssuedCredentials | undefined {
    return this.credentials.get(token);
  }

  /** The secret key of temporary credentials issued to a task that has not stopped, by access key id. */
  secretForAccessKey(accessKeyId: string, now: number): string | undefined {
    for (const c of this.credentials.values()) if (c.accessKeyId === accessKeyId && c.expiration > now) return c.secretAccessKey;
    return undefined;
  }

  /** Forgets a task's tokens once it has stopped. */
  forgetTask(taskArn: string): void {
    for (const token of this.byTask.get(taskArn) ?? []) {
      this.metadata.delete(token);
      this.credentials.delete(token);
    }
    this.byTask.delete(taskArn);
  }

  private remember(taskArn: string, token: string): void {
    const list = this.byTask.get(taskArn) ?? [];
    list.push(token);
    this.byTask.set(taskArn, list);
  }
}
