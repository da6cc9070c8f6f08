import { AwsError } from "../../errors.js";
import { checkLength, checkPattern, checkRange } from "../../protocol/input-checks.js";
import { paginate } from "../../protocol/paginate.js";
import type { OperationContext, ServiceDefinition } from "../../protocol/service-definition.js";
import type { LogGroupRecord, LogStreamRecord } from "../../state/ecs-local-state.js";
import { compileFilterPattern } from "./filter-pattern.js";
import type { LogStore } from "./log-store.js";

const INVALID = "InvalidParameterException";
const GROUP_NAME = /^[.\-_/#A-Za-z0-9]+$/;
const STREAM_NAME = /^[^:*]*$/;
const MAX_BATCH_BYTES = 1_048_576;
const DAY = 86_400_000;

/** CloudWatch Logs (JSON 1.1, target prefix Logs_20140328): the calls the awslogs driver and log readers use. */
export function createLogsService(store: LogStore): ServiceDefinition {
  const groupOrThrow = (name: string | undefined): LogGroupRecord => {
    const group = name === undefined ? undefined : store.group(groupNameOf(name));
    if (!group) throw new AwsError("ResourceNotFoundException", "The specified log group does not exist.");
    return group;
  };
  const streamOrThrow = (group: LogGroupRecord, name: string): LogStreamRecord => {
    const stream = group.streams[name];
    if (!stream) throw new AwsError("ResourceNotFoundException", "The specified log stream does not exist.");
    return stream;
  };

  return {
    name: "logs",
    protocol: "json",
    targetPrefix: "Logs_20140328",
    errors: {
      missingParameter: { code: INVALID, status: 400 },
      invalidType: { code: "SerializationException", status: 400 },
      throttling: { code: "ThrottlingException", status: 400 },
      serverError: { code: "ServiceUnavailableException", status: 500 },
    },
    operations: {
      CreateLogGroup(input: { logGroupName: string; tags?: Record<string, string> }, ctx: OperationContext) {
        checkGroupName(input.logGroupName);
        if (store.group(input.logGroupName)) throw new AwsError("ResourceAlreadyExistsException", "The specified log group already exists");
        store.createGroup(input.logGroupName, ctx.now, input.tags ?? {});
        return {};
      },

      DeleteLogGroup(input: { logGroupName: string }) {
        checkGroupName(input.logGroupName);
        groupOrThrow(input.logGroupName);
        store.deleteGroup(input.logGroupName);
        return {};
      },

      DescribeLogGroups(input: { logGroupNamePrefix?: string; logGroupNamePattern?: string; limit?: number; nextToken?: string }) {
        checkRange(input.limit, 1, 50, "limit", INVALID);
        if (input.logGroupNamePrefix !== undefined && input.logGroupNamePattern !== undefined) {
          throw new AwsError(INVALID, "LogGroup name prefix and LogGroup name pattern are mutually exclusive parameters.");
        }
        const groups = store
          .groups()
          .filter((g) => (input.logGroupNamePrefix === undefined || g.name.startsWith(input.logGroupNamePrefix)) && (input.logGroupNamePattern === undefined || g.name.includes(input.logGroupNamePattern)));
        const { page, nextToken } = paginate(groups, input.limit ?? 50, input.nextToken, INVALID);
        return {
          logGroups: page.map((g) => ({
            logGroupName: g.name,
            creationTime: g.createdAt,
            retentionInDays: g.retentionInDays,
            metricFilterCount: 0,
            arn: g.arn,
            storedBytes: Object.values(g.streams).reduce((n, s) => n + s.storedBytes, 0),
          })),
          nextToken,
        };
      },

      CreateLogStream(input: { logGroupName: string; logStreamName: string }, ctx: OperationContext) {
        checkStreamName(input.logStreamName);
        const group = groupOrThrow(input.logGroupName);
        if (group.streams[input.logStreamName]) throw new AwsError("ResourceAlreadyExistsException", "The specified log stream already exists");
        store.createStream(group, input.logStreamName, ctx.now);
        return {};
      },

      DescribeLogStreams(input: { logGroupName?: string; logGroupIdentifier?: string; logStreamNamePrefix?: string; orderBy?: string; descending?: boolean; nextToken?: string; limit?: number }) {
        checkRange(input.limit, 1, 50, "limit", INVALID);
        if (input.orderBy !== undefined && input.orderBy !== "LogStreamName" && input.orderBy !== "LastEventTime") {
          throw new AwsError(INVALID, `1 validation error detected: Value '${input.orderBy}' at 'orderBy' failed to satisfy constraint: Member must satisfy enum value set: [LogStreamName, LastEventTime]`);
        }
        if (input.orderBy === "LastEventTime" && input.logStreamNamePrefix !== undefined) {
          throw new AwsError(INVALID, "Cannot order by LastEventTime with a logStreamNamePrefix.");
        }
        const group = groupOrThrow(onlyOneGroup(input.logGroupName, input.logGroupIdentifier));
        let streams = Object.values(group.streams).filter((s) => input.logStreamNamePrefix === undefined || s.name.startsWith(input.logStreamNamePrefix));
        if (input.orderBy === "LastEventTime") streams.sort((a, b) => lastEvent(a) - lastEvent(b) || compare(a.name, b.name));
        else streams.sort((a, b) => compare(a.name, b.name));
        if (input.descending) streams = streams.reverse();
        const { page, nextToken } = paginate(streams, input.limit ?? 50, input.nextToken, INVALID);
        return {
          logStreams: page.map((s) => ({
            logStreamName: s.name,
            creationTime: s.createdAt,
            firstEventTimestamp: s.events[0]?.timestamp,
            lastEventTimestamp: s.events.at(-1)?.timestamp,
            lastIngestionTime: s.lastIngestionTime,
            uploadSequenceToken: sequenceToken(s.sequence),
            arn: store.streamArn(group, s),
            storedBytes: s.storedBytes,
          })),
          nextToken,
        };
      },

      PutLogEvents(input: { logGroupName: string; logStreamName: string; logEvents: { timestamp: number; message: string }[]; sequenceToken?: string }, ctx: OperationContext) {
        const events = input.logEvents;
        checkLength(events, 1, 10_000, "logEvents", INVALID);
        const group = groupOrThrow(input.logGroupName);
        const stream = streamOrThrow(group, input.logStreamName);
        let bytes = 0;
        for (let i = 0; i < events.length; i++) {
          bytes += Buffer.byteLength(events[i].message, "utf8") + 26;
          if (events[i].message.length === 0) throw new AwsError(INVALID, "Log event message cannot be empty.");
          if (i > 0 && events[i].timestamp < events[i - 1].timestamp) {
            throw new AwsError(INVALID, "Log events in a single PutLogEvents request must be in chronological order.");
          }
        }
        if (bytes > MAX_BATCH_BYTES) throw new AwsError(INVALID, `Upload too large: ${bytes} bytes exceeds limit of ${MAX_BATCH_BYTES}`);
        if (events.at(-1)!.timestamp - events[0].timestamp > DAY) {
          throw new AwsError(INVALID, "The batch of log events in a single PutLogEvents request cannot span more than 24 hours.");
        }
        // AWS keeps what it can and reports the rest: too old (beyond 14 days) or too new (beyond 2 hours ahead).
        let tooOldEnd: number | undefined;
        let tooNewStart: number | undefined;
        const accepted: { timestamp: number; message: string }[] = [];
        events.forEach((e, i) => {
          if (e.timestamp < ctx.now - 14 * DAY) tooOldEnd = i;
          else if (e.timestamp > ctx.now + 2 * 3_600_000) tooNewStart ??= i;
          else accepted.push(e);
        });
        if (accepted.length > 0) store.append(stream, accepted, ctx.now);
        const rejected = tooOldEnd !== undefined || tooNewStart !== undefined ? { tooOldLogEventEndIndex: tooOldEnd, tooNewLogEventStartIndex: tooNewStart } : undefined;
        return { nextSequenceToken: sequenceToken(stream.sequence), rejectedLogEventsInfo: rejected };
      },

      GetLogEvents(input: { logGroupName?: string; logGroupIdentifier?: string; logStreamName: string; startTime?: number; endTime?: number; nextToken?: string; limit?: number; startFromHead?: boolean }) {
        checkRange(input.limit, 1, 10_000, "limit", INVALID);
        const group = groupOrThrow(onlyOneGroup(input.logGroupName, input.logGroupIdentifier));
        const stream = streamOrThrow(group, input.logStreamName);
        const events = stream.events.filter((e) => (input.startTime === undefined || e.timestamp >= input.startTime) && (input.endTime === undefined || e.timestamp < input.endTime));
        const limit = input.limit ?? 10_000;
        // Positions are indexes into the (time-filtered) stream; a forward token names where the next
        // page starts, a backward token where the previous page ends. At either end AWS hands back
        // the token it was given, which is how readers know to stop.
        let start: number;
        let end: number;
        if (input.nextToken !== undefined) {
          const token = parseEventToken(input.nextToken);
          if (!token || token.position > events.length) throw new AwsError(INVALID, "The specified nextToken is invalid.");
          if (token.direction === "f") {
            start = token.position;
            end = Math.min(events.length, start + limit);
          } else {
            end = token.position;
            start = Math.max(0, end - limit);
          }
        } else if (input.startFromHead) {
          start = 0;
          end = Math.min(events.length, limit);
        } else {
          end = events.length;
          start = Math.max(0, end - limit);
        }
        // A response carries at most 1 MB of events, kept from the side the reader is moving away from.
        const backward = input.nextToken !== undefined ? input.nextToken.startsWith("b") : !input.startFromHead;
        let bytes = 0;
        if (backward) {
          let cut = end;
          while (cut > start && bytes + Buffer.byteLength(events[cut - 1].message) + 26 <= MAX_BATCH_BYTES) bytes += Buffer.byteLength(events[--cut].message) + 26;
          start = cut;
        } else {
          let cut = start;
          while (cut < end && bytes + Buffer.byteLength(events[cut].message) + 26 <= MAX_BATCH_BYTES) bytes += Buffer.byteLength(events[cut++].message) + 26;
          end = cut;
        }
        return {
          events: events.slice(start, end).map((e) => ({ timestamp: e.timestamp, message: e.message, ingestionTime: e.ingestionTime })),
          nextForwardToken: eventToken("f", end),
          nextBackwardToken: eventToken("b", start),
        };
      },

      FilterLogEvents(input: {
        logGroupName?: string;
        logGroupIdentifier?: string;
        logStreamNames?: string[];
        logStreamNamePrefix?: string;
        startTime?: number;
        endTime?: number;
        filterPattern?: string;
        nextToken?: string;
        limit?: number;
      }) {
        checkRange(input.limit, 1, 10_000, "limit", INVALID);
        checkLength(input.logStreamNames, 1, 100, "logStreamNames", INVALID);
        if (input.logStreamNames !== undefined && input.logStreamNamePrefix !== undefined) {
          throw new AwsError(INVALID, "logStreamNames and logStreamNamePrefix are mutually exclusive parameters.");
        }
        const group = groupOrThrow(onlyOneGroup(input.logGroupName, input.logGroupIdentifier));
        const matches = compileFilterPattern(input.filterPattern);
        const streams = Object.values(group.streams)
          .filter((s) => (input.logStreamNames === undefined || input.logStreamNames.includes(s.name)) && (input.logStreamNamePrefix === undefined || s.name.startsWith(input.logStreamNamePrefix)))
          .sort((a, b) => compare(a.name, b.name));
        const found: { logStreamName: string; timestamp: number; message: string; ingestionTime: number; eventId: string }[] = [];
        streams.forEach((s, streamIndex) => {
          s.events.forEach((e, i) => {
            if (input.startTime !== undefined && e.timestamp < input.startTime) return;
            if (input.endTime !== undefined && e.timestamp > input.endTime) return;
            if (!matches(e.message)) return;
            found.push({ logStreamName: s.name, timestamp: e.timestamp, message: e.message, ingestionTime: e.ingestionTime, eventId: eventId(e.timestamp, streamIndex, i) });
          });
        });
        found.sort((a, b) => a.timestamp - b.timestamp);
        const { page, nextToken } = paginate(found, input.limit ?? 10_000, input.nextToken, INVALID);
        return { events: page, searchedLogStreams: [], nextToken };
      },
    },
  };
}

/** `logGroupIdentifier` may be a name or an ARN (`…:log-group:NAME` or `…:log-group:NAME:*`). */
function groupNameOf(identifier: string): string {
  const m = /^arn:aws[a-z-]*:logs:[^:]*:\d{12}:log-group:([^:]+)(?::\*)?$/.exec(identifier);
  return m ? m[1] : identifier;
}

function onlyOneGroup(name: string | undefined, identifier: string | undefined): string {
  if (name !== undefined && identifier !== undefined) {
    throw new AwsError(INVALID, "LogGroup name and LogGroup ARN are mutually exclusive parameters.");
  }
  const v = name ?? identifier;
  if (v === undefined) throw new AwsError(INVALID, "Either logGroupName or logGroupIdentifier must be specified.");
  return v;
}

function checkGroupName(name: string): void {
  checkLength(name, 1, 512, "logGroupName", INVALID);
  checkPattern(name, GROUP_NAME, "logGroupName", INVALID);
}

function checkStreamName(name: string): void {
  checkLength(name, 1, 512, "logStreamName", INVALID);
  checkPattern(name, STREAM_NAME, "logStreamName", INVALID);
}

function lastEvent(s: LogStreamRecord): number {
  return s.events.at(-1)?.timestamp ?? 0;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sequenceToken(n: number): string {
  return String(n).padStart(56, "0");
}

function eventToken(direction: "f" | "b", position: number): string {
  return `${direction}/${String(position).padStart(56, "0")}/s`;
}

function parseEventToken(token: string): { direction: "f" | "b"; position: number } | undefined {
  const m = /^([fb])\/(\d{56})\/s$/.exec(token);
  return m ? { direction: m[1] as "f" | "b", position: Number(m[2]) } : undefined;
}

function eventId(timestamp: number, streamIndex: number, index: number): string {
  return `${String(timestamp).padStart(20, "0")}${String(streamIndex).padStart(12, "0")}${String(index).padStart(24, "0")}`;
}
