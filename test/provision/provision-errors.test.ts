import { IAMServiceException } from "@aws-sdk/client-iam";
import { describe, expect, it } from "vitest";
import { aws, awsOrMissing, explainAwsError, ProvisionError } from "../../packages/provision/src/provision-error.js";
import { isManagedFor, resourceNames } from "../../packages/provision/src/resource-names.js";

// Pure logic: how AWS's refusals become messages. ecs-local does not enforce IAM, so a refusal is
// built here as the SDK builds it (the service's exception class, with its metadata).
const denied = () =>
  new IAMServiceException({ name: "AccessDenied", $fault: "client", $metadata: { httpStatusCode: 403 }, message: "User: arn:aws:iam::1:user/dev is not authorized to perform: iam:CreateRole" });

describe("provision errors", () => {
  it("a missing permission names the operation and the resource", async () => {
    const attempt = aws("iam:CreateRole", "role ecsflow-p-worker", () => Promise.reject(denied()));
    await expect(attempt).rejects.toBeInstanceOf(ProvisionError);
    await expect(attempt).rejects.toThrow(/^Not allowed to iam:CreateRole \(role ecsflow-p-worker\): User: .* is not authorized to perform: iam:CreateRole\. The AWS identity running provision needs this permission\.$/);
    expect((await attempt.catch((e: ProvisionError) => e)).unreachable).toBe(false);
  });

  it("no answer at all is 'unreachable'; an expected not-found is undefined, other codes are named", async () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:4566"), { code: "ECONNREFUSED" });
    const e = explainAwsError(refused, "ecs:DescribeClusters", "cluster c");
    expect(e.unreachable).toBe(true);
    expect(e.message).toMatch(/ecs:DescribeClusters for cluster c got no answer from AWS: connect ECONNREFUSED/);
    const missing = new IAMServiceException({ name: "NoSuchEntity", $fault: "client", $metadata: { httpStatusCode: 404 }, message: "no role" });
    expect(await awsOrMissing("iam:GetRole", "role r", ["NoSuchEntity"], () => Promise.reject(missing))).toBeUndefined();
    await expect(awsOrMissing("iam:GetRole", "role r", ["Other"], () => Promise.reject(missing))).rejects.toThrow("iam:GetRole for role r failed: NoSuchEntity: no role");
  });

  it("derives AWS-safe names from the pool and recognises only its own tags", () => {
    const n = resourceNames("my pool/€");
    expect(n.executionRole).toMatch(/^[\w+=,.@-]{1,64}$/);
    expect(n.cluster).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(n.family).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(resourceNames("p", "shared").cluster).toBe("shared");
    expect(isManagedFor([{ key: "ecsflow.io/managed", value: "true" }, { key: "ecsflow.io/pool", value: "p" }], "p")).toBe(true);
    expect(isManagedFor([{ Key: "ecsflow.io/managed", Value: "true" }, { Key: "ecsflow.io/pool", Value: "p" }], "p")).toBe(true);
    expect(isManagedFor([{ key: "ecsflow.io/managed", value: "true" }, { key: "ecsflow.io/pool", value: "other" }], "p")).toBe(false);
    expect(isManagedFor(undefined, "p")).toBe(false);
  });
});
