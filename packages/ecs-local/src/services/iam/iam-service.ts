import { AwsError } from "../../errors.js";
import { newUpperAlnum } from "../../ids.js";
import type { OperationContext, ServiceDefinition } from "../../protocol/service-definition.js";
import type { EcsLocalState, RoleRecord } from "../../state/ecs-local-state.js";

const NAME = /^[\w+=,.@-]+$/;
const PATH = /^(\/|\/[\u0021-\u007F]+\/)$/;

/** IAM (query protocol): enough of roles to provision task and execution roles. */
export function createIamService(state: EcsLocalState): ServiceDefinition {
  const roles = () => state.data.roles;
  const required = (input: Record<string, unknown>, member: string, wire: string): string => {
    const v = input[wire];
    if (typeof v !== "string") throw new AwsError("ValidationError", `1 validation error detected: Value null at '${member}' failed to satisfy constraint: Member must not be null`);
    return v;
  };
  const checkName = (v: string, member: string, max: number) => {
    if (v.length < 1 || v.length > max) throw new AwsError("ValidationError", `1 validation error detected: Value '${v}' at '${member}' failed to satisfy constraint: Member must have length less than or equal to ${max}`);
    if (!NAME.test(v)) throw new AwsError("ValidationError", `1 validation error detected: Value '${v}' at '${member}' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+`);
  };
  const checkPolicy = (doc: string) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(doc);
    } catch {
      throw new AwsError("MalformedPolicyDocument", "This policy contains invalid Json", 400);
    }
    if (!parsed || typeof parsed !== "object" || Array.isArray(parsed) || !("Statement" in parsed)) {
      throw new AwsError("MalformedPolicyDocument", "Syntax errors in policy.", 400);
    }
  };
  const role = (name: string): RoleRecord => {
    const r = roles()[name];
    if (!r) throw new AwsError("NoSuchEntity", `The role with name ${name} cannot be found.`, 404);
    return r;
  };
  const view = (r: RoleRecord) => ({
    Path: r.path,
    RoleName: r.name,
    RoleId: r.id,
    Arn: r.arn,
    CreateDate: new Date(r.createdAt),
    // IAM hands policy documents back URL-encoded.
    AssumeRolePolicyDocument: encodeURIComponent(r.assumeRolePolicyDocument),
    Description: r.description,
    MaxSessionDuration: r.maxSessionDuration,
    Tags: r.tags.length > 0 ? r.tags : undefined,
  });

  return {
    name: "iam",
    protocol: "query",
    xmlNamespace: "https://iam.amazonaws.com/doc/2010-05-08/",
    errors: {
      missingParameter: { code: "ValidationError", status: 400 },
      invalidType: { code: "ValidationError", status: 400 },
      throttling: { code: "Throttling", status: 400 },
      serverError: { code: "ServiceFailure", status: 500 },
    },
    operations: {
      CreateRole(input: Record<string, any>, ctx: OperationContext) {
        const name = required(input, "roleName", "RoleName");
        const doc = required(input, "assumeRolePolicyDocument", "AssumeRolePolicyDocument");
        checkName(name, "roleName", 64);
        const path = typeof input.Path === "string" ? input.Path : "/";
        if (!PATH.test(path) || path.length > 512) throw new AwsError("ValidationError", `1 validation error detected: Value '${path}' at 'path' failed to satisfy constraint: Member must satisfy regular expression pattern: (\\u002F)|(\\u002F[\\u0021-\\u007F]+\\u002F)`);
        const maxSession = input.MaxSessionDuration === undefined ? 3600 : Number(input.MaxSessionDuration);
        if (!Number.isInteger(maxSession) || maxSession < 3600 || maxSession > 43200) {
          throw new AwsError("ValidationError", `1 validation error detected: Value '${input.MaxSessionDuration}' at 'maxSessionDuration' failed to satisfy constraint: Member must have value between 3600 and 43200`);
        }
        const tags = Array.isArray(input.Tags) ? (input.Tags as { Key?: string; Value?: string }[]) : [];
        if (tags.length > 50) throw new AwsError("LimitExceeded", "Cannot exceed quota for TagsPerRole: 50.", 409);
        for (const t of tags) if (typeof t?.Key !== "string" || typeof t.Value !== "string") throw new AwsError("ValidationError", "1 validation error detected: Value null at 'tags.member.key' failed to satisfy constraint: Member must not be null");
        checkPolicy(doc);
        if (Object.keys(roles()).some((n) => n.toLowerCase() === name.toLowerCase())) throw new AwsError("EntityAlreadyExists", `Role with name ${name} already exists.`, 409);
        const record: RoleRecord = {
          name,
          id: `AROA${newUpperAlnum(17)}`,
          arn: `arn:aws:iam::${ctx.accountId}:role${path}${name}`,
          path,
          createdAt: Math.floor(ctx.now / 1000) * 1000,
          assumeRolePolicyDocument: doc,
          description: typeof input.Description === "string" ? input.Description : undefined,
          maxSessionDuration: maxSession,
          tags: tags as { Key: string; Value: string }[],
          attachedPolicies: [],
          inlinePolicies: {},
        };
        roles()[name] = record;
        state.markChanged();
        return { Role: view(record) };
      },

      GetRole(input: Record<string, any>) {
        const name = required(input, "roleName", "RoleName");
        checkName(name, "roleName", 64);
        return { Role: view(role(name)) };
      },

      AttachRolePolicy(input: Record<string, any>) {
        const name = required(input, "roleName", "RoleName");
        const arn = required(input, "policyArn", "PolicyArn");
        checkName(name, "roleName", 64);
        const m = /^arn:aws[a-z-]*:iam::(aws|\d{12}):policy\/(?:[\u0021-\u007F]*\/)?([\w+=,.@-]+)$/.exec(arn);
        if (!m) throw new AwsError("InvalidInput", `ARN ${arn} is not valid.`, 400);
        const r = role(name);
        // Only AWS managed policies exist here (CreatePolicy is not implemented).
        if (m[1] !== "aws") throw new AwsError("NoSuchEntity", `Policy ${arn} does not exist or is not attachable.`, 404);
        if (!r.attachedPolicies.some((p) => p.PolicyArn === arn)) {
          if (r.attachedPolicies.length >= 20) throw new AwsError("LimitExceeded", "Cannot exceed quota for PoliciesPerRole: 20.", 409);
          r.attachedPolicies.push({ PolicyName: m[2], PolicyArn: arn });
          state.markChanged();
        }
        return {};
      },

      PutRolePolicy(input: Record<string, any>) {
        const name = required(input, "roleName", "RoleName");
        const policyName = required(input, "policyName", "PolicyName");
        const doc = required(input, "policyDocument", "PolicyDocument");
        checkName(name, "roleName", 64);
        checkName(policyName, "policyName", 128);
        checkPolicy(doc);
        const r = role(name);
        r.inlinePolicies[policyName] = doc;
        state.markChanged();
        return {};
      },

      GetRolePolicy(input: Record<string, any>) {
        const name = required(input, "roleName", "RoleName");
        const policyName = required(input, "policyName", "PolicyName");
        checkName(name, "roleName", 64);
        checkName(policyName, "policyName", 128);
        const doc = role(name).inlinePolicies[policyName];
        if (doc === undefined) throw new AwsError("NoSuchEntity", `The role policy with name ${policyName} cannot be found.`, 404);
        return { RoleName: name, PolicyName: policyName, PolicyDocument: encodeURIComponent(doc) };
      },

      DeleteRolePolicy(input: Record<string, any>) {
        const name = required(input, "roleName", "RoleName");
        const policyName = required(input, "policyName", "PolicyName");
        checkName(name, "roleName", 64);
        checkName(policyName, "policyName", 128);
        const r = role(name);
        if (r.inlinePolicies[policyName] === undefined) throw new AwsError("NoSuchEntity", `The role policy with name ${policyName} cannot be found.`, 404);
        delete r.inlinePolicies[policyName];
        state.markChanged();
        return {};
      },

      DetachRolePolicy(input: Record<string, any>) {
        const name = required(input, "roleName", "RoleName");
        const arn = required(input, "policyArn", "PolicyArn");
        checkName(name, "roleName", 64);
        const r = role(name);
        const i = r.attachedPolicies.findIndex((p) => p.PolicyArn === arn);
        if (i < 0) throw new AwsError("NoSuchEntity", `Policy ${arn} was not found.`, 404);
        r.attachedPolicies.splice(i, 1);
        state.markChanged();
        return {};
      },

      DeleteRole(input: Record<string, any>) {
        const name = required(input, "roleName", "RoleName");
        checkName(name, "roleName", 64);
        const r = role(name);
        // As in IAM: a role must be emptied of its policies first.
        if (r.attachedPolicies.length > 0 || Object.keys(r.inlinePolicies).length > 0) {
          throw new AwsError("DeleteConflict", "Cannot delete entity, must detach all policies first.", 409);
        }
        delete roles()[name];
        state.markChanged();
        return {};
      },

      ListAttachedRolePolicies(input: Record<string, any>) {
        const name = required(input, "roleName", "RoleName");
        checkName(name, "roleName", 64);
        const maxItems = input.MaxItems === undefined ? 100 : Number(input.MaxItems);
        if (!Number.isInteger(maxItems) || maxItems < 1 || maxItems > 1000) {
          throw new AwsError("ValidationError", `1 validation error detected: Value '${input.MaxItems}' at 'maxItems' failed to satisfy constraint: Member must have value between 1 and 1000`);
        }
        const prefix = typeof input.PathPrefix === "string" ? input.PathPrefix : "/";
        const all = role(name).attachedPolicies.filter((p) => {
          const path = /:policy(\/.*\/|\/)[^/]+$/.exec(p.PolicyArn)?.[1] ?? "/";
          return path.startsWith(prefix);
        });
        let start = 0;
        if (input.Marker !== undefined) {
          start = Number.parseInt(String(input.Marker), 10);
          if (!Number.isInteger(start) || start < 0 || start > all.length) throw new AwsError("InvalidInput", "Invalid Marker.", 400);
        }
        const page = all.slice(start, start + maxItems);
        const truncated = start + page.length < all.length;
        return { AttachedPolicies: page, IsTruncated: truncated, Marker: truncated ? String(start + page.length) : undefined };
      },
    },
  };
}
