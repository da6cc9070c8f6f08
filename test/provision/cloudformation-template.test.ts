import { describe, expect, it } from "vitest";
import { cloudFormationTemplate, resourceNames } from "../../packages/provision/src/index.js";

// Pure logic: the template's content and its internal consistency (every Ref and GetAtt names
// something the template defines). Deploying it needs real CloudFormation, which no test here has.

const PSEUDO = new Set(["AWS::Region", "AWS::AccountId", "AWS::Partition", "AWS::NoValue"]);

function references(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((n) => references(n, out));
  else if (node && typeof node === "object") {
    for (const [k, v] of Object.entries(node)) {
      if (k === "Ref") out.push(v as string);
      else if (k === "Fn::GetAtt") out.push((v as string[])[0]);
      else references(v, out);
    }
  }
  return out;
}

describe("CloudFormation template", () => {
  it("has the same resources, names and tags as provision, and every reference resolves", () => {
    const t = cloudFormationTemplate({ pool: "cfn", image: "acme/ecsflow:1", apiUrl: "https://api.example.com/api", apiKeySecret: "create", subnets: ["subnet-1", "subnet-2"] }) as any;
    const names = resourceNames("cfn");
    const types = Object.fromEntries(Object.entries(t.Resources).map(([k, r]: [string, any]) => [k, r.Type]));
    expect(types).toEqual({
      ApiKeySecret: "AWS::SecretsManager::Secret",
      LogGroup: "AWS::Logs::LogGroup",
      Cluster: "AWS::ECS::Cluster",
      ExecutionRole: "AWS::IAM::Role",
      WorkerRole: "AWS::IAM::Role",
      WorkerTaskDefinition: "AWS::ECS::TaskDefinition",
      WorkerService: "AWS::ECS::Service",
      TaskEventsQueue: "AWS::SQS::Queue",
      TaskEventsQueuePolicy: "AWS::SQS::QueuePolicy",
      TaskEventsRule: "AWS::Events::Rule",
    });
    expect(t.Resources.TaskEventsQueue.Properties.QueueName).toBe(names.taskEventsQueue);
    expect(t.Resources.TaskEventsRule.Properties).toMatchObject({ Name: names.taskEventsRule, State: "ENABLED", EventPattern: { detail: { clusterArn: [{ "Fn::GetAtt": ["Cluster", "Arn"] }] } } });
    expect(t.Resources.TaskEventsQueuePolicy.Properties.PolicyDocument.Statement[0].Condition).toEqual({ ArnEquals: { "aws:SourceArn": { "Fn::GetAtt": ["TaskEventsRule", "Arn"] } } });
    expect(t.Resources.Cluster.Properties.ClusterName).toBe(names.cluster);
    expect(t.Resources.ExecutionRole.Properties.RoleName).toBe(names.executionRole);
    expect(t.Resources.WorkerService.Properties).toMatchObject({ ServiceName: names.service, DesiredCount: 1 });
    expect(t.Resources.LogGroup.Properties.Tags).toEqual([{ Key: "ecsflow.io/managed", Value: "true" }, { Key: "ecsflow.io/pool", Value: "cfn" }]);
    const container = t.Resources.WorkerTaskDefinition.Properties.ContainerDefinitions[0];
    expect(container.Command).toEqual(["ecsflow", "worker", "start", "--pool", "cfn", "--type", "ecs", "--with-healthcheck", "--healthcheck-port", "8080"]);
    expect(container.Secrets).toEqual([{ Name: "ECSFLOW_API_KEY", ValueFrom: { Ref: "ApiKeySecret" } }]);
    // The key is a NoEcho parameter, never a literal in the file.
    expect(t.Parameters.ApiKey).toMatchObject({ Type: "String", NoEcho: true });
    expect(t.Parameters.Subnets.Default).toBe("subnet-1,subnet-2");
    const defined = new Set([...Object.keys(t.Parameters), ...Object.keys(t.Resources), ...PSEUDO]);
    expect(references(t).filter((r) => !defined.has(r))).toEqual([]);
    const conditions = [...JSON.stringify(t.Resources).matchAll(/"Fn::If":\["(\w+)"/g)].map((m) => m[1]);
    expect(conditions).toEqual(["HasSecurityGroups"]);
    expect(t.Conditions.HasSecurityGroups).toBeDefined();
  });

  it("uses a named cluster and an existing secret as given, creating neither", () => {
    const t = cloudFormationTemplate({ pool: "cfn", cluster: "shared", image: "i", apiUrl: "https://a/api", apiKeySecret: { arn: "arn:aws:secretsmanager:us-east-1:1:secret:k-abc123" } }) as any;
    expect(t.Resources.Cluster).toBeUndefined();
    expect(t.Resources.ApiKeySecret).toBeUndefined();
    expect(t.Parameters.ApiKey).toBeUndefined();
    expect(t.Resources.WorkerService.Properties.Cluster).toBe("shared");
    const exec = t.Resources.ExecutionRole.Properties.Policies[0].PolicyDocument.Statement;
    expect(exec).toContainEqual(expect.objectContaining({ Action: ["secretsmanager:GetSecretValue"], Resource: "arn:aws:secretsmanager:us-east-1:1:secret:k-abc123" }));
    expect(t.Parameters.Subnets.Default).toBeUndefined();
  });
});
