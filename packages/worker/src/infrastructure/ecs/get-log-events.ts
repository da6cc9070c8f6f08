// The orchestration container's CloudWatch log stream, forwarded into the run's logs. One
// streamer per worker polls every followed stream in rounds, each GetLogEvents call taking from the
// worker's shared GetLogEvents budget (5/s by default; CloudWatch caps the whole account at about
// 10–25/s). A stream that returned events is polled again after a second, a quiet one at doubling
// intervals up to `maxIntervalMs`. When its task stops, a stream is drained (read until CloudWatch
// hands back the same forward token) before the run's result is reported.

import { GetLogEventsCommand, type CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import type { Logger } from "pino";
import { describeAwsError, errorName, isTransientError } from "./aws-errors.js";

export interface LogStreamRef {
  logs: CloudWatchLogsClient;
  group: string;
  stream: string;
}

interface Followed extends LogStreamRef {
  onLine: (line: string) => void;
  token?: string;
  interval: number;
  nextAt: number;
  draining?: { calls: number; done: () => void };
  stopped: boolean;
}

export interface LogStreamerOptions {
  logger: Logger;
  /** @default 1000 */
  minIntervalMs?: number;
  /** @default 5000 */
  maxIntervalMs?: number;
  /** Calls at most per drain. @default 20 */
  maxDrainCalls?: number;
}

/** A followed stream: `finish()` drains what is left and stops. */
export interface LogFollowHandle {
  finish(): Promise<void>;
}

function linesOf(message: string | undefined): string[] {
  if (message === undefined) return [];
  return message.replace(/\r?\n$/, "").split(/\r?\n/);
}

export class CloudWatchLogStreamer {
  private readonly streams = new Set<Followed>();
  private timer: NodeJS.Timeout | undefined;
  private roundRunning = false;
  private closed = false;
  readonly stats = { calls: 0, events: 0 };
  private readonly minIntervalMs: number;
  private readonly maxIntervalMs: number;
  private readonly maxDrainCalls: number;

  constructor(private readonly options: LogStreamerOptions) {
    this.minIntervalMs = options.minIntervalMs ?? 1000;
    this.maxIntervalMs = options.maxIntervalMs ?? 5000;
    this.maxDrainCalls = options.maxDrainCalls ?? 20;
  }

  follow(ref: LogStreamRef, onLine: (line: string) => void): LogFollowHandle {
    const f: Followed = { ...ref, onLine, interval: this.minIntervalMs, nextAt: Date.now() + this.minIntervalMs, stopped: false };
    this.streams.add(f);
    this.schedule();
    return {
      finish: () =>
        new Promise<void>((resolve) => {
          if (f.stopped || this.closed) return resolve();
          f.draining = { calls: 0, done: resolve };
          f.nextAt = Date.now();
          this.schedule(true);
        }),
    };
  }

  /** The last `limit` lines of a stream, read once (a crashed run's backfill when not streaming). */
  async tail(ref: LogStreamRef, limit: number): Promise<string[]> {
    try {
      this.stats.calls++;
      const out = await ref.logs.send(new GetLogEventsCommand({ logGroupName: ref.group, logStreamName: ref.stream, startFromHead: false, limit }));
      return (out.events ?? []).flatMap((e) => linesOf(e.message));
    } catch (err) {
      if (errorName(err) !== "ResourceNotFoundException") this.options.logger.warn({ group: ref.group, stream: ref.stream, error: describeAwsError(err) }, "could not read the task's log stream");
      return [];
    }
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    for (const f of this.streams) this.stop(f);
  }

  private stop(f: Followed): void {
    f.stopped = true;
    this.streams.delete(f);
    f.draining?.done();
  }

  private schedule(now = false): void {
    if (this.closed || this.roundRunning) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.streams.size === 0) return;
    let next = Infinity;
    for (const f of this.streams) next = Math.min(next, f.nextAt);
    this.timer = setTimeout(() => void this.round(), now ? 0 : Math.max(0, next - Date.now()));
  }

  private async round(): Promise<void> {
    this.timer = undefined;
    this.roundRunning = true;
    try {
      const now = Date.now();
      // Draining streams first: a run's result waits on them.
      const due = [...this.streams].filter((f) => f.nextAt <= now).sort((a, b) => Number(!!b.draining) - Number(!!a.draining));
      await Promise.all(due.map((f) => this.poll(f)));
    } finally {
      this.roundRunning = false;
      this.schedule();
    }
  }

  private async poll(f: Followed): Promise<void> {
    let out;
    try {
      this.stats.calls++;
      out = await f.logs.send(new GetLogEventsCommand({ logGroupName: f.group, logStreamName: f.stream, startFromHead: true, nextToken: f.token }));
    } catch (err) {
      const notYet = errorName(err) === "ResourceNotFoundException";
      if (f.draining && (notYet || !isTransientError(err) || ++f.draining.calls >= this.maxDrainCalls)) return this.stop(f);
      if (!notYet && !isTransientError(err)) {
        this.options.logger.warn({ group: f.group, stream: f.stream, error: describeAwsError(err) }, "could not read the task's log stream; no more of its lines will be forwarded");
        return this.stop(f);
      }
      f.interval = Math.min(f.interval * 2, this.maxIntervalMs);
      f.nextAt = Date.now() + f.interval;
      return;
    }
    const events = out.events ?? [];
    for (const e of events) for (const line of linesOf(e.message)) f.onLine(line);
    this.stats.events += events.length;
    const exhausted = out.nextForwardToken === undefined || out.nextForwardToken === f.token;
    f.token = out.nextForwardToken ?? f.token;
    if (f.draining) {
      if ((exhausted && events.length === 0) || ++f.draining.calls >= this.maxDrainCalls) return this.stop(f);
      f.nextAt = Date.now();
      return;
    }
    f.interval = events.length > 0 ? this.minIntervalMs : Math.min(f.interval * 2, this.maxIntervalMs);
    f.nextAt = Date.now() + f.interval;
  }
}
