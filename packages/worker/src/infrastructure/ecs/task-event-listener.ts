// Event-driven task watching, as Prefect 3's ECS worker does it: ECS publishes "ECS Task State
// Change" to EventBridge, a rule sends them to an SQS queue, and the worker long-polls that queue.
// One ReceiveMessage per 20 s (or per 10 events) replaces most DescribeTasks calls; the watcher
// keeps polling at a long fallback interval, so a lost event or a broken rule only slows news down.

import { DeleteMessageBatchCommand, ReceiveMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import type { Task } from "@aws-sdk/client-ecs";
import type { Logger } from "pino";
import { describeAwsError } from "./aws-errors.js";

export interface TaskEventListenerOptions {
  sqs: SQSClient;
  queueUrl: string;
  logger: Logger;
  /** Each task state an event reports. */
  onTask: (task: Task) => void;
  /** ReceiveMessage's long-poll wait. @default 20 */
  waitTimeSeconds?: number;
}

const TIMESTAMPS = ["connectivityAt", "createdAt", "executionStoppedAt", "pullStartedAt", "pullStoppedAt", "startedAt", "stoppedAt", "stoppingAt"] as const;

/** An event's `detail` is the task as DescribeTasks has it, but with ISO timestamps: make it the SDK's Task. */
export function taskFromEvent(body: string): Task | undefined {
  let event: { "detail-type"?: unknown; source?: unknown; detail?: Record<string, unknown> };
  try {
    event = JSON.parse(body) as typeof event;
  } catch {
    return undefined;
  }
  if (event.source !== "aws.ecs" || event["detail-type"] !== "ECS Task State Change" || typeof event.detail?.taskArn !== "string") return undefined;
  const task: Record<string, unknown> = { ...event.detail };
  for (const key of TIMESTAMPS) {
    const v = task[key];
    if (typeof v === "string" && !Number.isNaN(Date.parse(v))) task[key] = new Date(v);
    else delete task[key];
  }
  return task as Task;
}

export class TaskEventListener {
  private closed = false;
  private loop: Promise<void> | undefined;
  private lastOkAt = 0;
  private readonly abort = new AbortController();
  readonly stats = { receives: 0, messages: 0, taskEvents: 0, errors: 0 };

  constructor(private readonly o: TaskEventListenerOptions) {}

  start(): void {
    this.loop ??= this.run();
  }

  /** True while the queue answers: the watcher may then rely on events and poll rarely. */
  healthy(now = Date.now()): boolean {
    return !this.closed && now - this.lastOkAt < ((this.o.waitTimeSeconds ?? 20) + 10) * 1000;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.abort.abort();
    await this.loop?.catch(() => undefined);
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.closed) {
      try {
        this.stats.receives++;
        const out = await this.o.sqs.send(new ReceiveMessageCommand({ QueueUrl: this.o.queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: this.o.waitTimeSeconds ?? 20 }), {
          abortSignal: this.abort.signal,
        });
        this.lastOkAt = Date.now();
        failures = 0;
        const messages = out.Messages ?? [];
        this.stats.messages += messages.length;
        for (const m of messages) {
          const task = m.Body ? taskFromEvent(m.Body) : undefined;
          if (!task) continue;
          this.stats.taskEvents++;
          try {
            this.o.onTask(task);
          } catch (err) {
            this.o.logger.warn({ err }, "task event handler failed");
          }
        }
        const handles = messages.filter((m) => m.ReceiptHandle).map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! }));
        // Delete after handling: a worker that dies in between sees the events again, and the
        // watcher ignores states it already knows (task version).
        if (handles.length > 0) await this.o.sqs.send(new DeleteMessageBatchCommand({ QueueUrl: this.o.queueUrl, Entries: handles }));
      } catch (err) {
        if (this.closed) return;
        this.stats.errors++;
        failures++;
        const waitMs = Math.min(30_000, 500 * 2 ** Math.min(failures, 6));
        this.o.logger.warn({ queueUrl: this.o.queueUrl, error: describeAwsError(err), retryInMs: waitMs }, "could not read task events from SQS; DescribeTasks polling covers meanwhile");
        await new Promise((r) => setTimeout(r, waitMs).unref());
      }
    }
  }
}
