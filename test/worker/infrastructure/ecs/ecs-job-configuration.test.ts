import { describe, expect, it } from "vitest";
import { readEcsJobConfiguration } from "../../../../packages/worker/src/infrastructure/ecs/ecs-job-configuration.js";
import { SubmissionError } from "../../../../packages/worker/src/errors.js";

const base = { command: "python -m flow", task_definition: {}, task_run_request: {} };

function errorOf(c: Record<string, unknown>): SubmissionError {
  try {
    readEcsJobConfiguration(c);
  } catch (err) {
    expect(err).toBeInstanceOf(SubmissionError);
    return err as SubmissionError;
  }
  throw new Error("expected a SubmissionError");
}

describe("readEcsJobConfiguration", () => {
  it("fills Prefect's defaults for a minimal configuration", () => {
    const c = readEcsJobConfiguration({ command: "run" });
    expect(c).toMatchObject({
      command: "run",
      taskDefinition: {},
      taskRunRequest: {},
      env: {},
      labels: {},
      unsetEnv: [],
      capacityProviderStrategy: [],
      configureCloudwatchLogs: false,
      streamOutput: false,
      taskStartTimeoutSeconds: 300,
      taskWatchPollIntervalSeconds: 5,
      autoDeregisterTaskDefinition: false,
      matchLatestRevisionInFamily: false,
      awsCredentials: {},
    });
    expect(c.cluster).toBeUndefined();
    expect(c.launchType).toBeUndefined();
  });

  it("treats null and empty strings as unset, as the template renders unset variables", () => {
    const c = readEcsJobConfiguration({ ...base, cluster: "", vpc_id: null, container_name: null, stream_output: null, task_watch_poll_interval: null, network_configuration: {} });
    expect(c.cluster).toBeUndefined();
    expect(c.vpcId).toBeUndefined();
    expect(c.streamOutput).toBe(false);
    expect(c.taskWatchPollIntervalSeconds).toBe(5);
    expect(c.networkConfiguration).toBeUndefined();
  });

  it("reads the cluster from the RunTask request when the variable is unset, and the linked task definition", () => {
    const c = readEcsJobConfiguration({ ...base, task_run_request: { cluster: "batch", taskDefinition: "arn:td:1", launchType: "FARGATE_SPOT" } });
    expect(c).toMatchObject({ cluster: "batch", taskDefinitionArn: "arn:td:1", launchType: "FARGATE_SPOT" });
  });

  it("turns stream_output on CloudWatch logs unless configure_cloudwatch_logs says otherwise", () => {
    expect(readEcsJobConfiguration({ ...base, stream_output: true }).configureCloudwatchLogs).toBe(true);
    expect(readEcsJobConfiguration({ ...base, stream_output: true, configure_cloudwatch_logs: false }).configureCloudwatchLogs).toBe(false);
  });

  it("stringifies non-string env and label values and drops null ones", () => {
    const c = readEcsJobConfiguration({ ...base, env: { A: "1", B: 2, C: null, D: { x: 1 } }, labels: { team: "data" } });
    expect(c.env).toEqual({ A: "1", B: "2", D: '{"x":1}' });
    expect(c.labels).toEqual({ team: "data" });
  });

  it("keeps only numeric weight and base of a capacity provider strategy", () => {
    const c = readEcsJobConfiguration({ ...base, task_run_request: { capacityProviderStrategy: [{ capacityProvider: "FARGATE_SPOT", weight: 2, base: "x" }] } });
    expect(c.capacityProviderStrategy).toEqual([{ capacityProvider: "FARGATE_SPOT", weight: 2 }]);
  });

  const wrong: [string, Record<string, unknown>, string][] = [
    ["command", { task_definition: {} }, 'The job variable "command" must be a string, got undefined'],
    ["a number command", { command: 3 }, 'The job variable "command" must be a string, got 3'],
    ["task_definition as a list", { ...base, task_definition: [] }, '"task_definition" must be an object (a RegisterTaskDefinition request)'],
    ["task_run_request as text", { ...base, task_run_request: "x" }, '"task_run_request" must be an object (a RunTask request), got "x"'],
    ["launch type", { ...base, task_run_request: { launchType: "LAMBDA" } }, '"launch_type" must be one of FARGATE, FARGATE_SPOT, EC2, EXTERNAL, got "LAMBDA"'],
    ["strategy not a list", { ...base, task_run_request: { capacityProviderStrategy: "FARGATE" } }, '"capacity_provider_strategy" must be a list of {capacityProvider, weight, base}'],
    ["strategy item without provider", { ...base, task_run_request: { capacityProviderStrategy: [{ weight: 1 }] } }, '"capacity_provider_strategy" must be a list'],
    ["strategy item with a blank provider", { ...base, task_run_request: { capacityProviderStrategy: [{ capacityProvider: " " }] } }, '"capacity_provider_strategy" must be a list'],
    ["cluster of the request", { ...base, task_run_request: { cluster: 7 } }, '"cluster" must be a string, got 7'],
    ["vpc_id", { ...base, vpc_id: 1 }, '"vpc_id" must be a string, got 1'],
    ["stream_output", { ...base, stream_output: "yes" }, '"stream_output" must be true or false, got "yes"'],
    ["negative timeout", { ...base, task_start_timeout_seconds: -1 }, '"task_start_timeout_seconds" must be a number ≥ 0, got -1'],
    ["text poll interval", { ...base, task_watch_poll_interval: "5" }, '"task_watch_poll_interval" must be a number ≥ 0, got "5"'],
    ["env as a list", { ...base, env: ["A=1"] }, '"env" must be an object of strings'],
    ["network_configuration", { ...base, network_configuration: "subnet-1" }, '"network_configuration" must be an object (awsvpcConfiguration)'],
  ];
  it.each(wrong)("refuses a wrong %s, naming the job variable and how to fix it", (_title, config, message) => {
    const err = errorOf(config);
    expect(err.message).toContain(message);
    expect(err.message).toContain("fix it in the work pool, deployment or flow run job variables");
  });

  it("never shows the value of a malformed aws_credentials (it may hold keys)", () => {
    const err = errorOf({ ...base, aws_credentials: "AKIAEXAMPLE:secret-value" });
    expect(err.message).toContain('"aws_credentials" must be an object (AwsCredentials), got …');
    expect(err.message).not.toContain("secret-value");
  });

  it("reads aws_credentials as Prefect's AwsCredentials block", () => {
    const c = readEcsJobConfiguration({
      ...base,
      aws_credentials: { aws_access_key_id: "AKIA", aws_secret_access_key: "s", region_name: "eu-west-1", aws_client_parameters: { endpoint_url: "http://127.0.0.1:4566" } },
    });
    expect(c.awsCredentials).toEqual({ accessKeyId: "AKIA", secretAccessKey: "s", region: "eu-west-1", endpoint: "http://127.0.0.1:4566", sessionToken: undefined, profile: undefined });
  });
});
