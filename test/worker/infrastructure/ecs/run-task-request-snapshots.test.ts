// The task definition and RunTask request each template case produces, as snapshots: a change in
// what ecsflow sends AWS shows as a diff here (the AWS SDK's own practice).

import { describe, expect, it } from "vitest";
import { buildRunTaskRequest, startedByFor } from "../../../../packages/worker/src/infrastructure/ecs/build-run-task-request.js";
import { buildTaskDefinition } from "../../../../packages/worker/src/infrastructure/ecs/build-task-definition.js";
import { readEcsJobConfiguration } from "../../../../packages/worker/src/infrastructure/ecs/ecs-job-configuration.js";
import { fakeFlowRun, render, REGION } from "./ecs-fixture.js";

const FLOW_RUN = fakeFlowRun({
  id: "00000000-0000-4000-8000-000000000001",
  flow_id: "00000000-0000-4000-8000-000000000002",
  deployment_id: "00000000-0000-4000-8000-000000000003",
});
const NETWORK = { awsvpcConfiguration: { subnets: ["subnet-0e5c10ca1de5a000a"], assignPublicIp: "ENABLED" as const } };
const ARN = "arn:aws:ecs:us-east-1:000000000000:task-definition/family:1";

const cases: [string, Parameters<typeof render>[0]][] = [
  ["the default template", {}],
  ["EC2 with cpu and memory", { variables: { launch_type: "EC2", cpu: 2048, memory: 4096 } }],
  ["FARGATE_SPOT", { variables: { launch_type: "FARGATE_SPOT" } }],
  ["a capacity provider strategy", { variables: { capacity_provider_strategy: [{ capacityProvider: "FARGATE", weight: 2, base: 1 }, { capacityProvider: "FARGATE_SPOT", weight: 1, base: 0 }] } }],
  ["env, labels, task role and cluster", { variables: { env: { FOO: "bar" }, labels: { "team name": "data & ml" }, task_role_arn: "arn:aws:iam::000000000000:role/task", cluster: "prod" } }],
  ["CloudWatch logs and an API key secret", { apiKey: "hidden", variables: { configure_cloudwatch_logs: true, execution_role_arn: "arn:aws:iam::000000000000:role/exec", api_key_secret_arn: "arn:aws:secretsmanager:us-east-1:000000000000:secret:key" } }],
  ["a template with its own container and request overrides", {
    templateOverrides: {
      task_definition: { containerDefinitions: [{ name: "app", image: "app:1", environment: [{ name: "STATIC", value: "1" }] }, { name: "sidecar", image: "sidecar:1", essential: false }] },
      task_run_request: { overrides: { containerOverrides: [{ name: "sidecar", environment: { SIDE: "x" } }] }, tags: { team: "a" }, enableExecuteCommand: true },
    },
    variables: { container_name: "app" },
  }],
];

describe("what each template case sends AWS", () => {
  it.each(cases)("%s", (_title, opts) => {
    const { configuration } = render({ flowRun: FLOW_RUN, ...opts });
    const cfg = readEcsJobConfiguration(configuration);
    const built = buildTaskDefinition(cfg, { region: REGION, defaultImage: "ecsflow/ecsflow:latest", poolName: "test-pool", deploymentId: FLOW_RUN.deployment_id, flowId: FLOW_RUN.flow_id });
    const warnings: string[] = [];
    const request = buildRunTaskRequest({
      cfg,
      taskDefinitionArn: ARN,
      definition: built.definition,
      containerName: built.containerName,
      networkConfiguration: built.definition.networkMode === "awsvpc" ? NETWORK : undefined,
      startedBy: startedByFor("test-pool"),
      extraTags: { "prefect.io/flow-run-id": FLOW_RUN.id, "ecsflow.io/flow-run-attempt": "0" },
      warn: (m) => warnings.push(m),
    });
    expect({ taskDefinition: built.definition, runTask: request, warnings }).toMatchSnapshot();
  });
});
