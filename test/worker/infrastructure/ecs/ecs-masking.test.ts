// API keys and AWS secret keys never appear in log lines, task definitions, run output or errors.

import { afterAll, beforeAll, expect, it } from "vitest";
import { API_KEY, describeTask, describeTaskDefinition, LogCapture, makeJob, render, runJob, startWorld, type World } from "./ecs-fixture.js";

const AWS_SECRET = "job-level-secret-access-key-ABCDEFGHIJ";
const SESSION_TOKEN = "job-level-session-token-KLMNOPQRSTUV";

let w: World;
beforeAll(async () => {
  w = await startWorld();
});
afterAll(async () => {
  await w?.close();
});

function everything(capture: LogCapture, output: { line: string }[], extra: unknown[] = []): string {
  return [capture.text, ...output.map((o) => o.line), ...extra.map((e) => JSON.stringify(e, Object.getOwnPropertyNames(e ?? {})))].join("\n");
}

it("keeps the API key out of logs, the task definition and the run's output, even when the task prints it", async () => {
  const capture = new LogCapture("trace");
  const infra = w.infrastructure({ logger: capture.logger, secrets: [API_KEY] });
  const r = await runJob(infra, {
    apiKey: API_KEY,
    logger: capture.logger,
    variables: { stream_output: true, execution_role_arn: "arn:aws:iam::000000000000:role/exec", command: "sh -c 'echo my key is $PREFECT_API_KEY'" },
  });
  expect(r.result.exitCode).toBe(0);
  // It did reach the task (as plain env: no api_key_secret_arn here).
  expect(r.output.filter((o) => o.stream === "stdout").map((o) => o.line)).toEqual(["my key is ***"]);
  const task = await describeTask(w.ecs, r.taskArn);
  const td = await describeTaskDefinition(w.ecs, task.taskDefinitionArn!);
  expect(JSON.stringify(td)).not.toContain(API_KEY);
  expect(everything(capture, r.output, [r.result])).not.toContain(API_KEY);
  // The debug log of the RunTask request shows the variable, masked.
  expect(capture.text).toContain('{"name":"PREFECT_API_KEY","value":"***"}');
});

it("keeps job-level AWS secret keys and session tokens out of logs and errors", async () => {
  const capture = new LogCapture("trace");
  const infra = w.infrastructure({ logger: capture.logger });
  const credentials = { aws_access_key_id: "AKIAJOBLEVEL", aws_secret_access_key: AWS_SECRET, aws_session_token: SESSION_TOKEN, region_name: "us-east-1" };
  const ok = await runJob(infra, { logger: capture.logger, variables: { aws_credentials: credentials } });
  expect(ok.result.exitCode).toBe(0);
  const { configuration, flowRun } = render({ variables: { aws_credentials: credentials, cluster: "no-such-cluster" } });
  const job = makeJob(configuration, flowRun, capture.logger);
  const error = await infra.run(job.job).catch((e: unknown) => e);
  expect((error as Error).name).toBe("SubmissionError");
  const text = everything(capture, [...ok.output, ...job.output], [error, (error as Error).cause]);
  expect(text).not.toContain(AWS_SECRET);
  expect(text).not.toContain(SESSION_TOKEN);
});

it("masks a secret that ends up in an error message", async () => {
  // A user who pasted the API key into a subnet id: the error names the subnet, masked.
  const { configuration, flowRun } = render({ apiKey: API_KEY, variables: { network_configuration: { subnets: [`subnet-${API_KEY}`] } } });
  const error = await w.infrastructure().run(makeJob(configuration, flowRun).job).catch((e: unknown) => e);
  expect((error as Error).message).toContain("subnet-***");
  expect((error as Error).message).not.toContain(API_KEY);
});
