import { randomUUID } from "node:crypto";
import pg from "pg";
import type { Logger } from "pino";
import type { RunEvent, RunEventBus } from "./run-events.js";

export interface PostgresBridgeOptions {
  connectionString: string;
  /** The schema the server's tables live in: replicas of one deployment share it, others do not hear it. */
  schema?: string;
  logger?: Logger;
}

// NOTIFY payloads must stay under 8,000 bytes; events are about 300 bytes each.
const MAX_PAYLOAD_BYTES = 7_000;
const MAX_RECONNECT_DELAY_MS = 10_000;

interface Notification {
  origin: string;
  events: RunEvent[];
}

/**
 * Carries run events between server replicas on one PostgreSQL database with LISTEN/NOTIFY, so a
 * worker connected to any replica is woken by a run created or rescheduled on another. One
 * dedicated connection listens and notifies; events published in one event-loop turn go out as
 * one NOTIFY. Delivery is best effort by design: while the connection is down events are dropped
 * (workers still poll), and it reconnects with backoff.
 */
export class PostgresRunEventBridge {
  private readonly origin = randomUUID();
  private channel: string | undefined;
  private client: pg.Client | undefined;
  private pending: RunEvent[] = [];
  private flushScheduled = false;
  private flushing: Promise<void> = Promise.resolve();
  private stopped = false;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private failures = 0;

  constructor(
    private readonly bus: RunEventBus,
    private readonly options: PostgresBridgeOptions,
  ) {}

  async start(): Promise<void> {
    this.bus.setForwarder((events) => this.enqueue(events));
    await this.connect().catch(() => this.scheduleReconnect());
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.bus.setForwarder(undefined);
    clearTimeout(this.reconnectTimer);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const schema = this.options.schema;
    const client = new pg.Client({ connectionString: this.options.connectionString, ...(schema ? { options: `-c search_path=${schema}` } : {}) });
    client.on("error", (err) => {
      this.options.logger?.warn({ err: { message: err.message } }, "run event bridge: connection lost; reconnecting");
      if (this.client === client) this.client = undefined;
      client.end().catch(() => undefined);
      this.scheduleReconnect();
    });
    client.on("notification", (msg) => this.receive(msg.channel, msg.payload));
    await client.connect();
    // NOTIFY is database-wide: name the channel after the schema, which a URL's search_path may set.
    const current = (await client.query<{ schema: string }>("SELECT current_schema() AS schema")).rows[0]?.schema ?? "public";
    this.channel = `ecsflow_run_events_${current}`.slice(0, 63);
    await client.query(`LISTEN "${this.channel.replaceAll('"', '""')}"`);
    if (this.stopped) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.failures = 0;
  }

  private scheduleReconnect(): void {
    if (this.stopped || this.reconnectTimer) return;
    const delay = Math.min(MAX_RECONNECT_DELAY_MS, 250 * 2 ** this.failures++) * (0.5 + Math.random() / 2);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      this.connect().catch(() => this.scheduleReconnect());
    }, delay);
  }

  private receive(channel: string, payload: string | undefined): void {
    if (channel !== this.channel || !payload) return;
    let message: Notification;
    try {
      message = JSON.parse(payload) as Notification;
    } catch {
      return;
    }
    // This replica delivered its own events already, when they were published.
    if (message.origin === this.origin || !Array.isArray(message.events)) return;
    this.bus.deliver(message.events);
  }

  private enqueue(events: RunEvent[]): void {
    if (!this.client) return;
    this.pending.push(...events);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      // One query at a time on the connection: each flush waits for the one before it.
      this.flushing = this.flushing.then(() => this.flush());
    });
  }

  private async flush(): Promise<void> {
    const client = this.client;
    const events = this.pending;
    this.pending = [];
    const channel = this.channel;
    if (!client || !channel || events.length === 0) return;
    for (const payload of chunkPayloads(this.origin, events)) {
      try {
        await client.query("SELECT pg_notify($1, $2)", [channel, payload]);
      } catch (err) {
        this.options.logger?.debug({ err: { message: (err as Error).message } }, "run event bridge: notify failed");
        return;
      }
    }
  }
}

/** Splits events into NOTIFY payloads that each stay under PostgreSQL's limit. */
export function chunkPayloads(origin: string, events: RunEvent[]): string[] {
  const payloads: string[] = [];
  let batch: string[] = [];
  let size = 0;
  const head = `{"origin":${JSON.stringify(origin)},"events":[`;
  for (const event of events) {
    const json = JSON.stringify(event);
    if (batch.length > 0 && head.length + size + json.length + 2 > MAX_PAYLOAD_BYTES) {
      payloads.push(`${head}${batch.join(",")}]}`);
      batch = [];
      size = 0;
    }
    batch.push(json);
    size += json.length + 1;
  }
  if (batch.length > 0) payloads.push(`${head}${batch.join(",")}]}`);
  return payloads;
}
