import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  DeleteLogGroupCommand,
  DescribeLogGroupsCommand,
  DescribeLogStreamsCommand,
  FilterLogEventsCommand,
  GetLogEventsCommand,
  PutLogEventsCommand,
} from "@aws-sdk/client-cloudwatch-logs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectAnswersMatchModels, referenceAvailable, startFixture, type Fixture } from "./ecs-local-fixture.js";

let f: Fixture;
let logs: CloudWatchLogsClient;
const base = Date.now() - 60_000;

beforeAll(async () => {
  f = await startFixture();
  logs = new CloudWatchLogsClient(f.config);
  await logs.send(new CreateLogGroupCommand({ logGroupName: "/app/one" }));
  await logs.send(new CreateLogStreamCommand({ logGroupName: "/app/one", logStreamName: "s1" }));
  await logs.send(new CreateLogStreamCommand({ logGroupName: "/app/one", logStreamName: "s2" }));
  await logs.send(new PutLogEventsCommand({ logGroupName: "/app/one", logStreamName: "s1", logEvents: Array.from({ length: 25 }, (_, i) => ({ timestamp: base + i * 2, message: `line ${i}` })) }));
  await logs.send(
    new PutLogEventsCommand({
      logGroupName: "/app/one",
      logStreamName: "s2",
      logEvents: [
        { timestamp: base + 1, message: "ERROR disk full" },
        { timestamp: base + 3, message: "WARN slow disk" },
        { timestamp: base + 5, message: "ERROR Exiting now" },
      ],
    }),
  );
});

afterAll(async () => {
  await f?.handle.close();
  logs?.destroy();
});

const err = (p: Promise<unknown>) => p.then(() => "ok", (e: any) => e.name as string);

describe("CloudWatch Logs", () => {
  it("creates and describes log groups, with prefixes and pages", async () => {
    await logs.send(new CreateLogGroupCommand({ logGroupName: "/app/two" }));
    expect(await err(logs.send(new CreateLogGroupCommand({ logGroupName: "/app/two" })))).toBe("ResourceAlreadyExistsException");
    expect(await err(logs.send(new CreateLogGroupCommand({ logGroupName: "bad:name" })))).toBe("InvalidParameterException");
    const page1 = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: "/app/", limit: 1 }));
    expect(page1.logGroups!.map((g) => g.logGroupName)).toEqual(["/app/one"]);
    expect(page1.logGroups![0]).toMatchObject({ arn: "arn:aws:logs:us-east-1:000000000000:log-group:/app/one:*", metricFilterCount: 0 });
    const page2 = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: "/app/", limit: 1, nextToken: page1.nextToken }));
    expect(page2.logGroups!.map((g) => g.logGroupName)).toEqual(["/app/two"]);
    expect(page2.nextToken).toBeUndefined();
    expect(await err(logs.send(new DescribeLogGroupsCommand({ limit: 51 })))).toBe("InvalidParameterException");
  });

  it("deletes a log group with its streams; a missing one is ResourceNotFoundException", async () => {
    await logs.send(new CreateLogGroupCommand({ logGroupName: "/gone" }));
    await logs.send(new CreateLogStreamCommand({ logGroupName: "/gone", logStreamName: "s" }));
    await logs.send(new DeleteLogGroupCommand({ logGroupName: "/gone" }));
    expect((await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: "/gone" }))).logGroups).toEqual([]);
    expect(await err(logs.send(new DescribeLogStreamsCommand({ logGroupName: "/gone" })))).toBe("ResourceNotFoundException");
    expect(await err(logs.send(new DeleteLogGroupCommand({ logGroupName: "/gone" })))).toBe("ResourceNotFoundException");
  });

  it("creates and describes log streams, ordered by name or by last event", async () => {
    expect(await err(logs.send(new CreateLogStreamCommand({ logGroupName: "/nope", logStreamName: "s" })))).toBe("ResourceNotFoundException");
    expect(await err(logs.send(new CreateLogStreamCommand({ logGroupName: "/app/one", logStreamName: "s1" })))).toBe("ResourceAlreadyExistsException");
    const byName = await logs.send(new DescribeLogStreamsCommand({ logGroupName: "/app/one" }));
    expect(byName.logStreams!.map((s) => s.logStreamName)).toEqual(["s1", "s2"]);
    expect(byName.logStreams![0]).toMatchObject({ firstEventTimestamp: base, lastEventTimestamp: base + 48 });
    const byLast = await logs.send(new DescribeLogStreamsCommand({ logGroupName: "/app/one", orderBy: "LastEventTime", descending: true }));
    expect(byLast.logStreams!.map((s) => s.logStreamName)).toEqual(["s1", "s2"]);
    expect(await err(logs.send(new DescribeLogStreamsCommand({ logGroupName: "/app/one", orderBy: "LastEventTime", logStreamNamePrefix: "s" })))).toBe("InvalidParameterException");
  });

  it("refuses out-of-order batches and reports events too old to keep", async () => {
    await logs.send(new CreateLogStreamCommand({ logGroupName: "/app/one", logStreamName: "put" }));
    const disorder = logs.send(new PutLogEventsCommand({ logGroupName: "/app/one", logStreamName: "put", logEvents: [{ timestamp: base + 10, message: "b" }, { timestamp: base, message: "a" }] }));
    expect(await err(disorder)).toBe("InvalidParameterException");
    const old = await logs.send(
      new PutLogEventsCommand({ logGroupName: "/app/one", logStreamName: "put", logEvents: [{ timestamp: Date.now() - 20 * 86_400_000, message: "ancient" }, { timestamp: Date.now() - 19 * 86_400_000, message: "old" }] }),
    );
    expect(old.rejectedLogEventsInfo).toEqual({ tooOldLogEventEndIndex: 1 });
    expect(old.nextSequenceToken).toMatch(/^\d{56}$/);
    expect(await err(logs.send(new PutLogEventsCommand({ logGroupName: "/app/one", logStreamName: "nope", logEvents: [{ timestamp: base, message: "a" }] })))).toBe("ResourceNotFoundException");
  });

  it("pages GetLogEvents forward from the head and hands back the same token at the end", async () => {
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    for (;;) {
      const out = await logs.send(new GetLogEventsCommand({ logGroupName: "/app/one", logStreamName: "s1", startFromHead: true, limit: 10, nextToken: token }));
      pages++;
      seen.push(...out.events!.map((e) => e.message!));
      if (out.nextForwardToken === token) {
        expect(out.events).toEqual([]);
        break;
      }
      token = out.nextForwardToken;
    }
    expect(seen).toEqual(Array.from({ length: 25 }, (_, i) => `line ${i}`));
    expect(pages).toBe(4);
  });

  it("pages GetLogEvents backward from the tail, as readers of the latest lines do", async () => {
    const first = await logs.send(new GetLogEventsCommand({ logGroupName: "/app/one", logStreamName: "s1", limit: 10 }));
    expect(first.events!.map((e) => e.message)).toEqual(Array.from({ length: 10 }, (_, i) => `line ${15 + i}`));
    const back = await logs.send(new GetLogEventsCommand({ logGroupName: "/app/one", logStreamName: "s1", limit: 10, nextToken: first.nextBackwardToken }));
    expect(back.events!.map((e) => e.message)).toEqual(Array.from({ length: 10 }, (_, i) => `line ${5 + i}`));
    const rest = await logs.send(new GetLogEventsCommand({ logGroupName: "/app/one", logStreamName: "s1", limit: 10, nextToken: back.nextBackwardToken }));
    expect(rest.events).toHaveLength(5);
    const end = await logs.send(new GetLogEventsCommand({ logGroupName: "/app/one", logStreamName: "s1", limit: 10, nextToken: rest.nextBackwardToken }));
    expect([end.events, end.nextBackwardToken]).toEqual([[], rest.nextBackwardToken]);
    // New events show up behind the forward token of the tail.
    await logs.send(new PutLogEventsCommand({ logGroupName: "/app/one", logStreamName: "s1", logEvents: [{ timestamp: base + 100, message: "late" }] }));
    const more = await logs.send(new GetLogEventsCommand({ logGroupName: "/app/one", logStreamName: "s1", nextToken: first.nextForwardToken }));
    expect(more.events!.map((e) => e.message)).toEqual(["late"]);
    expect(await err(logs.send(new GetLogEventsCommand({ logGroupName: "/app/one", logStreamName: "s1", nextToken: "f/garbage" })))).toBe("InvalidParameterException");
    const window = await logs.send(new GetLogEventsCommand({ logGroupName: "/app/one", logStreamName: "s1", startTime: base + 4, endTime: base + 10, startFromHead: true }));
    expect(window.events!.map((e) => e.message)).toEqual(["line 2", "line 3", "line 4"]);
  });

  it("filters events across streams with term patterns, interleaved by time, in pages", async () => {
    const messages = async (pattern: string) =>
      (await logs.send(new FilterLogEventsCommand({ logGroupName: "/app/one", logStreamNames: ["s1", "s2"], filterPattern: pattern }))).events!.map((e) => e.message);
    expect(await messages("ERROR")).toEqual(["ERROR disk full", "ERROR Exiting now"]);
    expect(await messages("ERROR -Exiting")).toEqual(["ERROR disk full"]);
    expect(await messages("?WARN ?full")).toEqual(["ERROR disk full", "WARN slow disk"]);
    expect(await messages('"slow disk"')).toEqual(["WARN slow disk"]);
    const all = await logs.send(new FilterLogEventsCommand({ logGroupName: "/app/one", logStreamNamePrefix: "s", startTime: base, endTime: base + 5 }));
    expect(all.events!.map((e) => `${e.logStreamName}:${e.message}`)).toEqual(["s1:line 0", "s2:ERROR disk full", "s1:line 1", "s2:WARN slow disk", "s1:line 2", "s2:ERROR Exiting now"]);
    const paged = await logs.send(new FilterLogEventsCommand({ logGroupName: "/app/one", logStreamNames: ["s1"], limit: 20 }));
    expect(paged.events).toHaveLength(20);
    const next = await logs.send(new FilterLogEventsCommand({ logGroupName: "/app/one", logStreamNames: ["s1"], limit: 20, nextToken: paged.nextToken }));
    expect(next.events!.length).toBeGreaterThanOrEqual(5);
    expect(await err(logs.send(new FilterLogEventsCommand({ logGroupName: "/app/one", filterPattern: "{ $.level = 1 }" })))).toBe("InvalidParameterException");
    expect(await err(logs.send(new FilterLogEventsCommand({ logGroupName: "/missing" })))).toBe("ResourceNotFoundException");
  });
});

describe("answers", () => {
  it.skipIf(!referenceAvailable)("every response and error above matches botocore's model (skipped: ../shared/reference/aws is absent)", () => {
    expect(expectAnswersMatchModels(f.exchanges).checked).toBeGreaterThan(10);
  });
});
