import { DeleteRuleCommand, DescribeRuleCommand, EventBridgeClient, ListTargetsByRuleCommand, PutEventsCommand, PutRuleCommand, PutTargetsCommand, RemoveTargetsCommand, ResourceNotFoundException } from "@aws-sdk/client-eventbridge";
import { ECSClient, RegisterTaskDefinitionCommand, RunTaskCommand, StopTaskCommand } from "@aws-sdk/client-ecs";
import {
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  QueueDoesNotExist,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
  type Message,
} from "@aws-sdk/client-sqs";
import * as eventsSdk from "@aws-sdk/client-eventbridge";
import * as sqsSdk from "@aws-sdk/client-sqs";
import { NormalizedSchema } from "@smithy/core/schema";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { matchesPattern } from "../../packages/ecs-local/src/services/events/event-pattern.js";
import { postJson, sigv4Headers } from "./aws-raw-request.js";
import { startFixture, type Fixture } from "./ecs-local-fixture.js";

// EventBridge and SQS as a worker uses them to watch tasks: a rule on ECS Task State Change with
// an SQS target, and long-polled ReceiveMessage, all over the SDK v3's own wire protocols.

let f: Fixture;
let sqs: SQSClient;
let events: EventBridgeClient;
let ecs: ECSClient;

beforeAll(async () => {
  f = await startFixture();
  sqs = new SQSClient(f.config);
  events = new EventBridgeClient(f.config);
  ecs = new ECSClient(f.config);
});

afterAll(async () => {
  await f?.handle.close();
  sqs?.destroy();
  events?.destroy();
  ecs?.destroy();
});

async function errorOf(p: Promise<unknown>): Promise<any> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error("expected the call to fail");
}

async function drain(queueUrl: string, until: (all: Message[]) => boolean, maxPolls = 40): Promise<Message[]> {
  const all: Message[] = [];
  for (let i = 0; i < maxPolls && !until(all); i++) {
    const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
    for (const m of out.Messages ?? []) {
      all.push(m);
      await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle! }));
    }
  }
  return all;
}

describe("SQS", () => {
  it("creates queues idempotently, sends, receives with visibility, deletes by receipt handle", async () => {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: "q1", Attributes: { VisibilityTimeout: "5" } }));
    expect(QueueUrl).toBe(`${f.handle.url}/000000000000/q1`);
    expect((await sqs.send(new CreateQueueCommand({ QueueName: "q1", Attributes: { VisibilityTimeout: "5" } }))).QueueUrl).toBe(QueueUrl);
    expect((await errorOf(sqs.send(new CreateQueueCommand({ QueueName: "q1", Attributes: { VisibilityTimeout: "9" } })))).name).toBe("QueueNameExists");
    expect((await sqs.send(new GetQueueUrlCommand({ QueueName: "q1" }))).QueueUrl).toBe(QueueUrl);

    const sent = await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: "hello" }));
    expect(sent.MessageId).toBeTruthy();
    const first = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
    expect(first.Messages?.map((m) => m.Body)).toEqual(["hello"]);
    // Hidden while in flight: a second receive gets nothing, the counts say one in flight.
    expect((await sqs.send(new ReceiveMessageCommand({ QueueUrl }))).Messages ?? []).toEqual([]);
    const attrs = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["All"] }));
    expect(attrs.Attributes).toMatchObject({ ApproximateNumberOfMessages: "0", ApproximateNumberOfMessagesNotVisible: "1", VisibilityTimeout: "5", QueueArn: "arn:aws:sqs:us-east-1:000000000000:q1" });
    // Visibility back to 0: received again, with a new handle; the old one no longer deletes it.
    await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl, ReceiptHandle: first.Messages![0]!.ReceiptHandle!, VisibilityTimeout: 0 }));
    const again = await sqs.send(new ReceiveMessageCommand({ QueueUrl, AttributeNames: ["All"] }));
    expect(again.Messages?.[0]?.Attributes?.ApproximateReceiveCount).toBe("2");
    await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: first.Messages![0]!.ReceiptHandle! }));
    const batch = await sqs.send(new DeleteMessageBatchCommand({ QueueUrl, Entries: [{ Id: "a", ReceiptHandle: again.Messages![0]!.ReceiptHandle! }] }));
    expect(batch.Successful?.map((s) => s.Id)).toEqual(["a"]);
    const after = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"] }));
    expect(after.Attributes).toEqual({ ApproximateNumberOfMessages: "0", ApproximateNumberOfMessagesNotVisible: "0" });
  });

  it("long polling returns as soon as a message arrives", async () => {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: "q-long" }));
    const waiting = sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 20 }));
    await new Promise((r) => setTimeout(r, 50));
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: "late" }));
    const out = await waiting;
    expect(out.Messages?.map((m) => m.Body)).toEqual(["late"]);
  });

  it("answers AWS's errors for missing queues and bad parameters", async () => {
    const missing = await errorOf(sqs.send(new ReceiveMessageCommand({ QueueUrl: `${f.handle.url}/000000000000/nope` })));
    expect(missing).toBeInstanceOf(QueueDoesNotExist);
    const bad = await errorOf(sqs.send(new CreateQueueCommand({ QueueName: "q1", Attributes: { VisibilityTimeout: "99999999" } })));
    expect(bad.name).toBe("InvalidAttributeValue");
    const tooMany = await errorOf(sqs.send(new ReceiveMessageCommand({ QueueUrl: (await sqs.send(new GetQueueUrlCommand({ QueueName: "q1" }))).QueueUrl, MaxNumberOfMessages: 11 })));
    expect(tooMany.$metadata.httpStatusCode).toBe(400);
  });
});

describe("EventBridge", () => {
  it("puts, describes, targets and deletes rules; a rule with targets is not deleted", async () => {
    const pattern = JSON.stringify({ source: ["my.app"] });
    const { RuleArn } = await events.send(new PutRuleCommand({ Name: "r1", EventPattern: pattern }));
    expect(RuleArn).toBe("arn:aws:events:us-east-1:000000000000:rule/r1");
    expect(await events.send(new DescribeRuleCommand({ Name: "r1" }))).toMatchObject({ Name: "r1", State: "ENABLED", EventPattern: pattern, EventBusName: "default" });
    await events.send(new PutTargetsCommand({ Rule: "r1", Targets: [{ Id: "q", Arn: "arn:aws:sqs:us-east-1:000000000000:q-custom" }] }));
    expect((await events.send(new ListTargetsByRuleCommand({ Rule: "r1" }))).Targets?.map((t) => t.Id)).toEqual(["q"]);
    expect((await errorOf(events.send(new DeleteRuleCommand({ Name: "r1" })))).name).toBe("ValidationException");
    await events.send(new RemoveTargetsCommand({ Rule: "r1", Ids: ["q"] }));
    await events.send(new DeleteRuleCommand({ Name: "r1" }));
    expect(await errorOf(events.send(new DescribeRuleCommand({ Name: "r1" })))).toBeInstanceOf(ResourceNotFoundException);
    expect((await errorOf(events.send(new PutRuleCommand({ Name: "bad", EventPattern: "{not json" })))).name).toBe("InvalidEventPatternException");
  });

  it("delivers matching custom events to an SQS target, and only those", async () => {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: "q-custom" }));
    await events.send(new PutRuleCommand({ Name: "custom", EventPattern: JSON.stringify({ source: ["my.app"], detail: { kind: [{ prefix: "run-" }] } }) }));
    await events.send(new PutTargetsCommand({ Rule: "custom", Targets: [{ Id: "q", Arn: "arn:aws:sqs:us-east-1:000000000000:q-custom" }] }));
    const put = await events.send(
      new PutEventsCommand({
        Entries: [
          { Source: "my.app", DetailType: "x", Detail: JSON.stringify({ kind: "run-1" }) },
          { Source: "my.app", DetailType: "x", Detail: JSON.stringify({ kind: "other" }) },
          { Source: "other.app", DetailType: "x", Detail: JSON.stringify({ kind: "run-2" }) },
        ],
      }),
    );
    expect(put.FailedEntryCount).toBe(0);
    const got = await drain(QueueUrl!, (all) => all.length >= 1, 3);
    expect(got.map((m) => JSON.parse(m.Body!).detail.kind)).toEqual(["run-1"]);
  });
});

describe("ECS Task State Change events", () => {
  it("reach the rule's queue for each status a task goes through, ending STOPPED", async () => {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: "ecs-task-events" }));
    await events.send(
      new PutRuleCommand({ Name: "ecs-tasks", EventPattern: JSON.stringify({ source: ["aws.ecs"], "detail-type": ["ECS Task State Change"], detail: { clusterArn: ["arn:aws:ecs:us-east-1:000000000000:cluster/default"] } }) }),
    );
    await events.send(new PutTargetsCommand({ Rule: "ecs-tasks", Targets: [{ Id: "worker", Arn: "arn:aws:sqs:us-east-1:000000000000:ecs-task-events" }] }));
    await ecs.send(new RegisterTaskDefinitionCommand({ family: "evt", containerDefinitions: [{ name: "main", image: "busybox", command: ["sh", "-c", "sleep 30"], memory: 64 }] }));
    const run = await ecs.send(new RunTaskCommand({ taskDefinition: "evt" }));
    const taskArn = run.tasks![0]!.taskArn!;
    const detailsOf = (all: Message[]) => all.map((m) => JSON.parse(m.Body!)).filter((e) => e.detail.taskArn === taskArn);
    await drain(QueueUrl!, (all) => detailsOf(all).some((e) => e.detail.lastStatus === "RUNNING"));
    await ecs.send(new StopTaskCommand({ task: taskArn, reason: "test" }));
    const all: Message[] = [];
    const seen = await drain(QueueUrl!, (got) => {
      all.splice(0, all.length, ...got);
      return detailsOf(got).some((e) => e.detail.lastStatus === "STOPPED");
    });
    const stopped = detailsOf(seen).find((e) => e.detail.lastStatus === "STOPPED");
    expect(stopped).toMatchObject({ source: "aws.ecs", "detail-type": "ECS Task State Change", account: "000000000000", region: "us-east-1", resources: [taskArn] });
    expect(stopped.detail).toMatchObject({ desiredStatus: "STOPPED", stoppedReason: "test", stopCode: "UserInitiated" });
    expect(typeof stopped.detail.stoppedAt).toBe("string");
    expect(Number.isNaN(Date.parse(stopped.detail.stoppedAt))).toBe(false);
    // One event per (lastStatus, desiredStatus) pair: no two consecutive events say the same.
    const pairs = detailsOf(seen).map((e) => `${e.detail.lastStatus}/${e.detail.desiredStatus}`);
    expect(new Set(pairs).size).toBe(pairs.length);
  });
});

describe("event patterns", () => {
  const event = { source: "aws.ecs", "detail-type": "ECS Task State Change", detail: { lastStatus: "STOPPED", group: "family:x" } };
  it.each([
    [{ source: ["aws.ecs"] }, true],
    [{ source: ["aws.ec2"] }, false],
    [{ detail: { lastStatus: ["RUNNING", "STOPPED"] } }, true],
    [{ detail: { group: [{ prefix: "family:" }] } }, true],
    [{ detail: { lastStatus: [{ "anything-but": "STOPPED" }] } }, false],
    [{ detail: { stopCode: [{ exists: false }] } }, true],
    [{ detail: { stopCode: [{ exists: true }] } }, false],
    [{ detail: { missing: ["x"] } }, false],
  ])("%j matches: %s", (pattern, expected) => {
    expect(matchesPattern(pattern, event)).toBe(expected);
  });
});

describe("bad input to SQS and EventBridge", () => {
  const SQS_OPS = ["CreateQueue", "GetQueueUrl", "ListQueues", "GetQueueAttributes", "SetQueueAttributes", "DeleteQueue", "PurgeQueue", "SendMessage", "ReceiveMessage", "DeleteMessage", "DeleteMessageBatch", "ChangeMessageVisibility"];
  const EVENTS_OPS = ["PutRule", "DescribeRule", "ListRules", "EnableRule", "DisableRule", "DeleteRule", "PutTargets", "RemoveTargets", "ListTargetsByRule", "PutEvents"];
  const scalar = fc.oneof(fc.string({ maxLength: 8 }), fc.integer({ min: -5, max: 100 }), fc.boolean(), fc.constant(null), fc.constantFrom("q1", "arn:aws:sqs:us-east-1:000000000000:q1", "{}", "All"));
  const value = fc.oneof(scalar, fc.array(scalar, { maxLength: 3 }), fc.dictionary(fc.constantFrom("Id", "Arn", "ReceiptHandle", "VisibilityTimeout", "Source", "Detail"), scalar, { maxKeys: 2 }), fc.array(fc.dictionary(fc.constantFrom("Id", "Arn", "ReceiptHandle", "Source", "DetailType", "Detail"), scalar, { maxKeys: 3 }), { maxLength: 2 }));
  const cases: [string, string, string, Record<string, unknown>][] = [
    ...SQS_OPS.map((op) => ["sqs", op, "AmazonSQS", sqsSdk] as [string, string, string, Record<string, unknown>]),
    ...EVENTS_OPS.map((op) => ["events", op, "AWSEvents", eventsSdk] as [string, string, string, Record<string, unknown>]),
  ];
  it.each(cases)("%s:%s answers random input with a 4xx or success, never a 5xx", async (service, operation, target, sdk) => {
    const op = sdk[`${operation}$`] as unknown[];
    const names = [...NormalizedSchema.of(op[4] as never).structIterator()].map(([name]) => name);
    await fc.assert(
      fc.asyncProperty(fc.dictionary(fc.constantFrom(...names), value, { maxKeys: names.length }), async (body) => {
        const res = await postJson(f.handle.url, `${target}.${operation}`, body, sigv4Headers(service));
        expect(res.status, res.body).toBeLessThan(500);
      }),
      { numRuns: 25, seed: 11 },
    );
  });
});
