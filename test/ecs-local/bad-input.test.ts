import * as logsSdk from "@aws-sdk/client-cloudwatch-logs";
import * as ecsSdk from "@aws-sdk/client-ecs";
import * as smSdk from "@aws-sdk/client-secrets-manager";
import { NormalizedSchema } from "@smithy/core/schema";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { allowedErrorCodes } from "../support/aws-shape-validator.js";
import { postJson, postQuery, sigv4Headers } from "./aws-raw-request.js";
import { referenceAvailable, startFixture, type Fixture } from "./ecs-local-fixture.js";
import { IMPLEMENTED } from "./implemented-operations.js";

/**
 * Random inputs for every implemented operation, built from the operation's own member names so
 * they reach the handlers' checks: the answer is a success or a client error the operation lists
 * (when the models are present), never a 5xx. Task processes get an empty PATH, so no command a
 * fuzzed task definition names can run.
 */
let f: Fixture;

beforeAll(async () => {
  f = await startFixture({ hostEnv: { PATH: "" } });
});

afterAll(async () => {
  await f?.handle.close();
});

const JSON_SERVICES: Record<string, { target: string; sdk: Record<string, unknown> }> = {
  ecs: { target: "AmazonEC2ContainerServiceV20141113", sdk: ecsSdk as unknown as Record<string, unknown> },
  logs: { target: "Logs_20140328", sdk: logsSdk as unknown as Record<string, unknown> },
  secretsmanager: { target: "secretsmanager", sdk: smSdk as unknown as Record<string, unknown> },
};

/** Query parameters the query operations read, as the wire names them. */
const QUERY_PARAMS: Record<string, string[]> = {
  DescribeVpcs: ["VpcId.1", "Filter.1.Name", "Filter.1.Value.1", "MaxResults", "DryRun"],
  DescribeSubnets: ["SubnetId.1", "Filter.1.Name", "Filter.1.Value.1", "MaxResults"],
  DescribeSecurityGroups: ["GroupId.1", "GroupName.1", "Filter.1.Name", "Filter.1.Value.1"],
  GetCallerIdentity: [],
  CreateRole: ["RoleName", "AssumeRolePolicyDocument", "Path", "MaxSessionDuration", "Description", "Tags.member.1.Key", "Tags.member.1.Value"],
  GetRole: ["RoleName"],
  AttachRolePolicy: ["RoleName", "PolicyArn"],
  PutRolePolicy: ["RoleName", "PolicyName", "PolicyDocument"],
  ListAttachedRolePolicies: ["RoleName", "PathPrefix", "Marker", "MaxItems"],
  GetRolePolicy: ["RoleName", "PolicyName"],
  DeleteRolePolicy: ["RoleName", "PolicyName"],
  DetachRolePolicy: ["RoleName", "PolicyArn"],
  DeleteRole: ["RoleName"],
};

const scalar = fc.oneof(fc.string({ maxLength: 10 }), fc.constantFrom("default", "FARGATE", "awsvpc", "true", "ACTIVE", "{}", "arn:aws:ecs:us-east-1:000000000000:cluster/default"), fc.integer({ min: -5, max: 200 }), fc.boolean(), fc.constant(null));
const value = fc.oneof(scalar, fc.array(scalar, { maxLength: 3 }), fc.dictionary(fc.constantFrom("name", "key", "value", "subnets", "awsvpcConfiguration", "containerOverrides"), scalar, { maxKeys: 2 }));

function memberNames(service: string, operation: string): string[] {
  const op = JSON_SERVICES[service].sdk[`${operation}$`] as unknown[];
  return [...NormalizedSchema.of(op[4] as never).structIterator()].map(([name]) => name);
}

const allowed = (service: string, operation: string) => (referenceAvailable ? allowedErrorCodes(service, operation) : undefined);

describe("bad input", () => {
  for (const [service, operations] of Object.entries(IMPLEMENTED)) {
    for (const operation of operations) {
      it(`${service}:${operation} answers random input with a listed client error, never a 5xx`, async () => {
        const codes = allowed(service, operation);
        const known = new Set(codes ?? []);
        if (JSON_SERVICES[service]) {
          const names = memberNames(service, operation);
          const input = names.length ? fc.dictionary(fc.constantFrom(...names), value, { maxKeys: names.length }) : fc.constant({});
          await fc.assert(
            fc.asyncProperty(input, async (body) => {
              const res = await postJson(f.handle.url, `${JSON_SERVICES[service].target}.${operation}`, body, sigv4Headers(service));
              expect(res.status).toBeLessThan(500);
              if (res.status !== 200 && codes && operation !== "DeleteTaskDefinitions") expect(known.has(res.json().__type), res.body).toBe(true);
            }),
            { numRuns: 25, seed: 7 },
          );
        } else {
          const names = QUERY_PARAMS[operation];
          const input = names.length ? fc.dictionary(fc.constantFrom(...names), fc.oneof(fc.string({ maxLength: 10 }), fc.constantFrom("true", "vpc-id", "default", "{}")), { maxKeys: names.length }) : fc.constant({});
          await fc.assert(
            fc.asyncProperty(input, async (params) => {
              const res = await postQuery(f.handle.url, { Action: operation, Version: "v", ...params }, service);
              expect(res.status).toBeLessThan(500);
              const code = /<Code>([^<]+)<\/Code>/.exec(res.body)?.[1];
              if (res.status !== 200 && codes) expect(known.has(code ?? ""), res.body).toBe(true);
            }),
            { numRuns: 25, seed: 7 },
          );
        }
      });
    }
  }
});
