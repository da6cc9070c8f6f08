import { AwsError } from "../../errors.js";
import { checkLength, checkPattern, checkRange } from "../../protocol/input-checks.js";
import type { OperationContext, ServiceDefinition } from "../../protocol/service-definition.js";
import type { QueueRecord, QueueStore } from "./queue-store.js";

const INVALID = "InvalidParameterValue";
const QUEUE_NAME = /^[A-Za-z0-9_-]{1,80}$/;
const SETTABLE = new Set(["VisibilityTimeout", "MaximumMessageSize", "MessageRetentionPeriod", "DelaySeconds", "ReceiveMessageWaitTimeSeconds", "Policy", "RedrivePolicy", "SqsManagedSseEnabled", "KmsMasterKeyId"]);
const RANGES: Record<string, [number, number]> = {
  VisibilityTimeout: [0, 43_200],
  MaximumMessageSize: [1_024, 262_144],
  MessageRetentionPeriod: [60, 1_209_600],
  DelaySeconds: [0, 900],
  ReceiveMessageWaitTimeSeconds: [0, 20],
};

function required(value: unknown, member: string): void {
  if (value === undefined || value === null || value === "") throw new AwsError("MissingParameter", `The request must contain the parameter ${member}.`);
}

function checkAttributes(attributes: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(attributes ?? {})) {
    if (!SETTABLE.has(name)) throw new AwsError("InvalidAttributeName", `Unknown Attribute ${name}.`);
    const range = RANGES[name];
    if (range) {
      const n = Number(value);
      if (!Number.isInteger(n) || n < range[0] || n > range[1]) throw new AwsError("InvalidAttributeValue", `Invalid value for the parameter ${name}.`);
    }
    out[name] = String(value);
  }
  return out;
}

/**
 * SQS over AWS JSON 1.0 (target prefix `AmazonSQS`, what SDK v3 speaks): the queue calls a worker
 * needs to read EventBridge's task state changes, long polling included.
 */
export function createSqsService(store: QueueStore): ServiceDefinition {
  const queueOf = (url: string | undefined): QueueRecord => {
    required(url, "QueueUrl");
    const queue = store.find(url!);
    if (!queue) throw new AwsError("QueueDoesNotExist", "The specified queue does not exist.", 400, {});
    return queue;
  };
  const attributesOf = (queue: QueueRecord, names: string[] | undefined, now: number): Record<string, string> => {
    const counts = store.counts(queue, now);
    const all: Record<string, string> = {
      ...queue.attributes,
      QueueArn: queue.arn,
      CreatedTimestamp: String(Math.floor(queue.createdAt / 1000)),
      LastModifiedTimestamp: String(Math.floor(queue.lastModifiedAt / 1000)),
      ApproximateNumberOfMessages: String(counts.visible),
      ApproximateNumberOfMessagesNotVisible: String(counts.inFlight),
      ApproximateNumberOfMessagesDelayed: String(counts.delayed),
    };
    if (!names || names.includes("All")) return all;
    return Object.fromEntries(names.filter((n) => all[n] !== undefined).map((n) => [n, all[n]!]));
  };

  return {
    name: "sqs",
    protocol: "json",
    targetPrefix: "AmazonSQS",
    errors: {
      missingParameter: { code: "MissingParameter", status: 400 },
      invalidType: { code: INVALID, status: 400 },
      throttling: { code: "RequestThrottled", status: 400 },
      serverError: { code: "InternalError", status: 500 },
    },
    operations: {
      CreateQueue(input: { QueueName?: string; Attributes?: Record<string, string>; tags?: Record<string, string> }, ctx: OperationContext) {
        required(input.QueueName, "QueueName");
        checkPattern(input.QueueName, QUEUE_NAME, "queueName", INVALID);
        const attributes = checkAttributes(input.Attributes);
        const existing = store.byName(input.QueueName!);
        if (existing) {
          // Same name and attributes: the existing queue; other attributes: a conflict, as SQS answers.
          const differs = Object.entries(attributes).some(([k, v]) => existing.attributes[k] !== v);
          if (differs) throw new AwsError("QueueNameExists", `A queue already exists with the same name and a different value for attribute(s) ${Object.keys(attributes).join(", ")}.`);
          return { QueueUrl: existing.url };
        }
        return { QueueUrl: store.create(input.QueueName!, attributes, input.tags ?? {}, ctx.now).url };
      },

      GetQueueUrl(input: { QueueName?: string }) {
        required(input.QueueName, "QueueName");
        const queue = store.byName(input.QueueName!);
        if (!queue) throw new AwsError("QueueDoesNotExist", "The specified queue does not exist.");
        return { QueueUrl: queue.url };
      },

      ListQueues(input: { QueueNamePrefix?: string; MaxResults?: number }) {
        checkRange(input.MaxResults, 1, 1000, "maxResults", INVALID);
        return { QueueUrls: store.list(input.QueueNamePrefix).slice(0, input.MaxResults ?? 1000).map((q) => q.url) };
      },

      GetQueueAttributes(input: { QueueUrl?: string; AttributeNames?: string[] }, ctx: OperationContext) {
        return { Attributes: attributesOf(queueOf(input.QueueUrl), input.AttributeNames, ctx.now) };
      },

      SetQueueAttributes(input: { QueueUrl?: string; Attributes?: Record<string, string> }, ctx: OperationContext) {
        const queue = queueOf(input.QueueUrl);
        required(input.Attributes, "Attributes");
        Object.assign(queue.attributes, checkAttributes(input.Attributes));
        queue.lastModifiedAt = ctx.now;
        return {};
      },

      DeleteQueue(input: { QueueUrl?: string }) {
        store.delete(queueOf(input.QueueUrl));
        return {};
      },

      PurgeQueue(input: { QueueUrl?: string }) {
        store.purge(queueOf(input.QueueUrl));
        return {};
      },

      SendMessage(input: { QueueUrl?: string; MessageBody?: string; DelaySeconds?: number }, ctx: OperationContext) {
        const queue = queueOf(input.QueueUrl);
        required(input.MessageBody, "MessageBody");
        checkRange(input.DelaySeconds, 0, 900, "delaySeconds", INVALID);
        if (Buffer.byteLength(input.MessageBody!, "utf8") > Number(queue.attributes.MaximumMessageSize)) {
          throw new AwsError(INVALID, `One or more parameters are invalid. Reason: Message must be shorter than ${queue.attributes.MaximumMessageSize} bytes.`);
        }
        const m = store.send(queue, input.MessageBody!, input.DelaySeconds, ctx.now);
        return { MessageId: m.messageId, MD5OfMessageBody: m.md5OfBody };
      },

      async ReceiveMessage(input: { QueueUrl?: string; MaxNumberOfMessages?: number; VisibilityTimeout?: number; WaitTimeSeconds?: number; AttributeNames?: string[]; MessageSystemAttributeNames?: string[] }, ctx: OperationContext) {
        const queue = queueOf(input.QueueUrl);
        checkRange(input.MaxNumberOfMessages, 1, 10, "maxNumberOfMessages", INVALID);
        checkRange(input.VisibilityTimeout, 0, 43_200, "visibilityTimeout", INVALID);
        checkRange(input.WaitTimeSeconds, 0, 20, "waitTimeSeconds", INVALID);
        const max = input.MaxNumberOfMessages ?? 1;
        const waitMs = (input.WaitTimeSeconds ?? Number(queue.attributes.ReceiveMessageWaitTimeSeconds)) * 1000;
        const deadline = ctx.now + waitMs;
        let messages = store.take(queue, max, input.VisibilityTimeout, Date.now());
        // Long polling: wait for a send (or a message becoming visible) until the wait runs out.
        while (messages.length === 0 && Date.now() < deadline && store.find(queue.arn)) {
          await store.waitForMessage(queue, Math.min(deadline - Date.now(), 250));
          messages = store.take(queue, max, input.VisibilityTimeout, Date.now());
        }
        const wanted = [...(input.AttributeNames ?? []), ...(input.MessageSystemAttributeNames ?? [])];
        return {
          Messages: messages.map((m) => ({
            MessageId: m.messageId,
            ReceiptHandle: m.receiptHandle,
            MD5OfBody: m.md5OfBody,
            Body: m.body,
            ...(wanted.length > 0
              ? {
                  Attributes: {
                    SentTimestamp: String(m.sentAt),
                    ApproximateReceiveCount: String(m.receiveCount),
                    ApproximateFirstReceiveTimestamp: String(m.firstReceivedAt ?? m.sentAt),
                  },
                }
              : {}),
          })),
        };
      },

      DeleteMessage(input: { QueueUrl?: string; ReceiptHandle?: string }) {
        const queue = queueOf(input.QueueUrl);
        required(input.ReceiptHandle, "ReceiptHandle");
        if (!input.ReceiptHandle!.includes("#")) throw new AwsError("ReceiptHandleIsInvalid", `The input receipt handle "${input.ReceiptHandle}" is not a valid receipt handle.`);
        store.deleteMessage(queue, input.ReceiptHandle!);
        return {};
      },

      DeleteMessageBatch(input: { QueueUrl?: string; Entries?: { Id: string; ReceiptHandle: string }[] }) {
        const queue = queueOf(input.QueueUrl);
        required(input.Entries, "Entries");
        checkLength(input.Entries, 1, 10, "entries", INVALID);
        const ids = new Set(input.Entries!.map((e) => e.Id));
        if (ids.size !== input.Entries!.length) throw new AwsError("BatchEntryIdsNotDistinct", "Two or more batch entries in the request have the same Id.");
        const Successful: { Id: string }[] = [];
        const Failed: { Id: string; SenderFault: boolean; Code: string; Message: string }[] = [];
        for (const e of input.Entries!) {
          if (typeof e.ReceiptHandle !== "string" || !e.ReceiptHandle.includes("#")) {
            Failed.push({ Id: e.Id, SenderFault: true, Code: "ReceiptHandleIsInvalid", Message: "The receipt handle is not valid." });
            continue;
          }
          store.deleteMessage(queue, e.ReceiptHandle);
          Successful.push({ Id: e.Id });
        }
        return { Successful, Failed };
      },

      ChangeMessageVisibility(input: { QueueUrl?: string; ReceiptHandle?: string; VisibilityTimeout?: number }, ctx: OperationContext) {
        const queue = queueOf(input.QueueUrl);
        required(input.ReceiptHandle, "ReceiptHandle");
        required(input.VisibilityTimeout, "VisibilityTimeout");
        checkRange(input.VisibilityTimeout, 0, 43_200, "visibilityTimeout", INVALID);
        if (!store.changeVisibility(queue, input.ReceiptHandle!, input.VisibilityTimeout!, ctx.now)) {
          throw new AwsError("MessageNotInflight", "The message referred to isn't in flight.");
        }
        return {};
      },
    },
  };
}
