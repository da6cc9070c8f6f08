import { existsSync } from "node:fs";
import { CloudWatchLogsClient, GetLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { startEcsLocal, type EcsLocalHandle, type EcsLocalOptions, type Exchange } from "../../packages/ecs-local/src/index.js";

/** What SDK clients need to talk to ecs-local: the endpoint and any credentials. */
export interface ClientConfig {
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  maxAttempts: number;
}

export interface Fixture {
  handle: EcsLocalHandle;
  config: ClientConfig;
  exchanges: Exchange[];
}

/**
 * Starts ecs-local on a free port, fast: no provisioning delay, a small time factor, limits off
 * unless asked. SDK clients get one attempt, so that an error the test expects is not retried away.
 */
export async function startFixture(options: EcsLocalOptions = {}): Promise<Fixture> {
  const exchanges: Exchange[] = [];
  const handle = await startEcsLocal({
    port: 0,
    provisioningProfile: "instant",
    timeFactor: 0.01,
    limits: false,
    hostEnv: { PATH: process.env.PATH },
    shutdownGraceMs: 2_000,
    observer: (e) => exchanges.push(e),
    ...options,
  });
  return {
    handle,
    exchanges,
    config: { endpoint: handle.url, region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey: "test" }, maxAttempts: 1 },
  };
}

/** Polls until `check` returns a value (not undefined); throws after `timeoutMs`. Counts attempts, never asserts on time. */
export async function eventually<T>(check: () => Promise<T | undefined> | T | undefined, what: string, timeoutMs = 60_000, everyMs = 25): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`Timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ""}`);
}

/** True when a process with this id exists. */
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

export const AWS_CLI = "/usr/bin/aws";
export const awsCliAvailable = existsSync(AWS_CLI);

export { referenceAvailable } from "../support/aws-shape-validator.js";
import { OPERATIONS_NEWER_THAN_MODEL, validateExchanges } from "../support/aws-shape-validator.js";

/**
 * Every answer a test file received, checked against botocore's models: the last test of each
 * SDK suite calls this, so that every response and error those tests saw is validated.
 */
export function expectAnswersMatchModels(exchanges: Exchange[]): { checked: number } {
  const { problems, notInModel, checked } = validateExchanges(exchanges);
  if (problems.length > 0) throw new Error(`Answers that do not match AWS's models:\n${problems.slice(0, 40).join("\n")}`);
  for (const op of notInModel) if (!OPERATIONS_NEWER_THAN_MODEL.has(op)) throw new Error(`${op} is in no model`);
  if (checked === 0) throw new Error("no answers were checked");
  return { checked };
}

/**
 * Waits until a task has written `line` to its awslogs stream: how tests know a container's shell
 * got past its setup (a `trap`, say) before they signal it.
 */
export async function waitForLogLine(config: ClientConfig, group: string, stream: string, line: string): Promise<void> {
  const logs = new CloudWatchLogsClient(config);
  try {
    await eventually(async () => {
      const out = await logs.send(new GetLogEventsCommand({ logGroupName: group, logStreamName: stream, startFromHead: true }));
      return out.events!.some((e) => e.message === line) ? true : undefined;
    }, `"${line}" in ${group}/${stream}`);
  } finally {
    logs.destroy();
  }
}
