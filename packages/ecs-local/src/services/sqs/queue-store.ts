import { createHash, randomUUID } from "node:crypto";

export interface QueueMessage {
  messageId: string;
  body: string;
  md5OfBody: string;
  sentAt: number;
  /** Hidden from receivers until then (visibility timeout, DelaySeconds). */
  visibleAt: number;
  receiveCount: number;
  firstReceivedAt?: number;
  /** The handle of the latest receive; only it deletes the message. */
  receiptHandle?: string;
}

export interface QueueRecord {
  name: string;
  url: string;
  arn: string;
  createdAt: number;
  lastModifiedAt: number;
  attributes: Record<string, string>;
  tags: Record<string, string>;
  messages: QueueMessage[];
}

const DEFAULT_ATTRIBUTES: Record<string, string> = {
  VisibilityTimeout: "30",
  MaximumMessageSize: "262144",
  MessageRetentionPeriod: "345600",
  DelaySeconds: "0",
  ReceiveMessageWaitTimeSeconds: "0",
};

/**
 * SQS's queues and messages, in memory: a local endpoint restarts empty, as a purged queue would.
 * Receivers that long-poll wait on the queue and wake when a message is sent to it.
 */
export class QueueStore {
  private readonly queues = new Map<string, QueueRecord>();
  private readonly waiters = new Map<string, Set<() => void>>();

  constructor(
    private readonly region: string,
    private readonly accountId: string,
    private readonly endpointUrl: () => string,
  ) {}

  urlFor(name: string): string {
    return `${this.endpointUrl()}/${this.accountId}/${name}`;
  }

  arnFor(name: string): string {
    return `arn:aws:sqs:${this.region}:${this.accountId}:${name}`;
  }

  create(name: string, attributes: Record<string, string>, tags: Record<string, string>, now: number): QueueRecord {
    const queue: QueueRecord = {
      name,
      url: this.urlFor(name),
      arn: this.arnFor(name),
      createdAt: now,
      lastModifiedAt: now,
      attributes: { ...DEFAULT_ATTRIBUTES, ...attributes },
      tags,
      messages: [],
    };
    this.queues.set(name, queue);
    return queue;
  }

  byName(name: string): QueueRecord | undefined {
    return this.queues.get(name);
  }

  /** A queue by URL (any host: clients may reach the endpoint by another name) or by ARN. */
  find(urlOrArn: string): QueueRecord | undefined {
    if (urlOrArn.startsWith("arn:")) return [...this.queues.values()].find((q) => q.arn === urlOrArn);
    const name = urlOrArn.replace(/\/+$/, "").split("/").pop() ?? "";
    return this.queues.get(name);
  }

  list(prefix: string | undefined): QueueRecord[] {
    return [...this.queues.values()].filter((q) => !prefix || q.name.startsWith(prefix)).sort((a, b) => a.name.localeCompare(b.name));
  }

  delete(queue: QueueRecord): void {
    this.queues.delete(queue.name);
    this.wake(queue.name);
  }

  send(queue: QueueRecord, body: string, delaySeconds: number | undefined, now: number): QueueMessage {
    const delay = delaySeconds ?? Number(queue.attributes.DelaySeconds ?? "0");
    const message: QueueMessage = {
      messageId: randomUUID(),
      body,
      md5OfBody: createHash("md5").update(body, "utf8").digest("hex"),
      sentAt: now,
      visibleAt: now + delay * 1000,
      receiveCount: 0,
    };
    queue.messages.push(message);
    this.wake(queue.name);
    return message;
  }

  /** Takes up to `max` visible messages, hiding each for the visibility timeout. */
  take(queue: QueueRecord, max: number, visibilityTimeout: number | undefined, now: number): QueueMessage[] {
    this.expire(queue, now);
    const hideFor = (visibilityTimeout ?? Number(queue.attributes.VisibilityTimeout)) * 1000;
    const taken: QueueMessage[] = [];
    for (const m of queue.messages) {
      if (taken.length >= max) break;
      if (m.visibleAt > now) continue;
      m.visibleAt = now + hideFor;
      m.receiveCount++;
      m.firstReceivedAt ??= now;
      m.receiptHandle = `${m.messageId}#${randomUUID()}`;
      taken.push(m);
    }
    return taken;
  }

  /** Resolves when a message may be visible on the queue, or after `ms`. */
  waitForMessage(queue: QueueRecord, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const set = this.waiters.get(queue.name) ?? new Set<() => void>();
      this.waiters.set(queue.name, set);
      const done = () => {
        clearTimeout(timer);
        set.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      timer.unref();
      set.add(done);
    });
  }

  /** Deletes by receipt handle; an outdated or unknown handle is ignored, as SQS does. */
  deleteMessage(queue: QueueRecord, receiptHandle: string): boolean {
    const i = queue.messages.findIndex((m) => m.receiptHandle === receiptHandle);
    if (i < 0) return false;
    queue.messages.splice(i, 1);
    return true;
  }

  changeVisibility(queue: QueueRecord, receiptHandle: string, seconds: number, now: number): boolean {
    const m = queue.messages.find((x) => x.receiptHandle === receiptHandle);
    if (!m) return false;
    m.visibleAt = now + seconds * 1000;
    if (seconds === 0) this.wake(queue.name);
    return true;
  }

  purge(queue: QueueRecord): void {
    queue.messages = [];
  }

  counts(queue: QueueRecord, now: number): { visible: number; inFlight: number; delayed: number } {
    this.expire(queue, now);
    let visible = 0;
    let inFlight = 0;
    let delayed = 0;
    for (const m of queue.messages) {
      if (m.visibleAt <= now) visible++;
      else if (m.receiveCount > 0) inFlight++;
      else delayed++;
    }
    return { visible, inFlight, delayed };
  }

  private expire(queue: QueueRecord, now: number): void {
    const keepMs = Number(queue.attributes.MessageRetentionPeriod) * 1000;
    if (queue.messages.length > 0 && queue.messages[0]!.sentAt + keepMs < now) queue.messages = queue.messages.filter((m) => m.sentAt + keepMs >= now);
  }

  private wake(name: string): void {
    for (const w of [...(this.waiters.get(name) ?? [])]) w();
  }
}
