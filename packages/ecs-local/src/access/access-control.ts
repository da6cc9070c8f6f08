import { createHash, timingSafeEqual } from "node:crypto";
import type { CredentialScope } from "../protocol/sigv4-credential-scope.js";
import { verifySigV4, type SignedRequest } from "../protocol/verify-sigv4.js";

/** Who may call ecs-local when it is started with credentials (EcsLocalOptions.access). */
export interface AccessOptions {
  /** The one access key id AWS requests may be signed with (besides task role credentials ecs-local issued). */
  accessKeyId: string;
  /** When given, signatures are verified with it; else only the access key id is checked. */
  secretAccessKey?: string;
  /** `Authorization: Bearer <token>` for the admin routes (`/_ecs-local/…` but health). */
  adminToken?: string;
}

export type AccessRefusal = { kind: "unknown-key" | "bad-signature"; message: string };

const digest = (s: string) => createHash("sha256").update(s).digest();

/**
 * ecs-local's door. Off (everything allowed, as before) unless started with `access`. Then an AWS
 * request must be signed with the configured access key id, or with task role credentials ecs-local
 * itself handed to a running task (the worker as an ECS service calls RunTask with those); with a
 * secret key configured its signature must be right. Admin routes need the admin bearer token;
 * without one configured they are closed.
 */
export class AccessControl {
  constructor(
    private readonly options: AccessOptions | undefined,
    /** Secret key of a temporary access key id ecs-local issued to a task that still runs. */
    private readonly issuedSecret: (accessKeyId: string) => string | undefined,
  ) {}

  get enabled(): boolean {
    return this.options !== undefined;
  }

  checkAws(scope: CredentialScope, req: SignedRequest, now: number): AccessRefusal | undefined {
    const o = this.options;
    if (!o) return undefined;
    const issued = this.issuedSecret(scope.accessKeyId);
    const configured = scope.accessKeyId === o.accessKeyId;
    if (!configured && issued === undefined) return { kind: "unknown-key", message: "The security token included in the request is invalid." };
    const secret = configured ? o.secretAccessKey : issued;
    if (secret === undefined) return undefined;
    const why = verifySigV4(req, scope, secret, now);
    return why ? { kind: "bad-signature", message: why } : undefined;
  }

  checkAdmin(authorization: string | string[] | undefined, rawHeaders: string[]): boolean {
    const o = this.options;
    if (!o) return true;
    if (!o.adminToken || typeof authorization !== "string") return false;
    // Node keeps the first of repeated Authorization headers: refuse a request that sends several.
    let count = 0;
    for (let i = 0; i < rawHeaders.length; i += 2) if (rawHeaders[i].toLowerCase() === "authorization") count++;
    const m = /^Bearer\s+(.+)$/i.exec(authorization.trim());
    return count === 1 && m !== null && timingSafeEqual(digest(m[1]), digest(o.adminToken));
  }
}
