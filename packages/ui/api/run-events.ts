import { createParser } from "eventsource-parser";
import { API_BASE } from "./api-client";
import { authorizationHeader, loadCredentials } from "./credentials";

/** What the server sends for a changed run (GET /api/ecsflow/run_events). */
export interface RunEvent {
  kind: "flow_run" | "task_run";
  id: string;
  flow_run_id: string | null;
  state_type: string | null;
  work_pool_name: string | null;
}

export interface RunEventQuery {
  flow_run_id?: string;
  work_pool_name?: string;
}

export interface RunEventSubscriber {
  /** A run changed; null when events may have been missed (a reconnect, the server dropped some). */
  onChange(event: RunEvent | null): void;
  /** Live (true) or not (false: the page should poll as before). */
  onLive(live: boolean): void;
}

interface Channel {
  subscribers: Set<RunEventSubscriber>;
  controller: AbortController;
  live: boolean;
}

// One stream per distinct query however many components listen to it.
const channels = new Map<string, Channel>();
// A server without the stream (a Prefect server behind this UI) is not asked again.
let unsupported = false;

/**
 * Subscribes to run changes so pages refresh when something changed instead of on a timer. The
 * stream is read with fetch (not EventSource) so the credentials stay in the Authorization
 * header; it reconnects with backoff, and pages fall back to polling while it is down.
 */
export function subscribeRunEvents(query: RunEventQuery, subscriber: RunEventSubscriber): () => void {
  if (unsupported || typeof ReadableStream === "undefined") {
    subscriber.onLive(false);
    return () => undefined;
  }
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v) params.set(k, v);
  const key = params.toString();
  let channel = channels.get(key);
  if (!channel) {
    channel = { subscribers: new Set(), controller: new AbortController(), live: false };
    channels.set(key, channel);
    void pump(key, channel);
  }
  channel.subscribers.add(subscriber);
  subscriber.onLive(channel.live);
  const own = channel;
  return () => {
    own.subscribers.delete(subscriber);
    if (own.subscribers.size === 0) {
      own.controller.abort();
      channels.delete(key);
    }
  };
}

function setLive(channel: Channel, live: boolean): void {
  if (channel.live === live) return;
  channel.live = live;
  for (const s of channel.subscribers) s.onLive(live);
}

async function pump(key: string, channel: Channel): Promise<void> {
  const signal = channel.controller.signal;
  let failures = 0;
  let connectedBefore = false;
  while (!signal.aborted) {
    try {
      const response = await fetch(`${API_BASE}/ecsflow/run_events${key ? `?${key}` : ""}`, {
        headers: { accept: "text/event-stream", ...authorizationHeader(loadCredentials()) },
        credentials: "omit",
        cache: "no-store",
        signal,
      });
      if (response.status === 404) {
        unsupported = true;
        setLive(channel, false);
        return;
      }
      if (!response.ok || !response.body) throw new Error(`run events answered ${response.status}`);
      const parser = createParser({
        onEvent(message) {
          if (message.event === "ready") {
            failures = 0;
            setLive(channel, true);
            if (connectedBefore) for (const s of channel.subscribers) s.onChange(null);
            connectedBefore = true;
          } else if (message.event === "run") {
            const event = JSON.parse(message.data) as RunEvent;
            for (const s of channel.subscribers) s.onChange(event);
          } else if (message.event === "resync") {
            for (const s of channel.subscribers) s.onChange(null);
          }
        },
      });
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        parser.feed(value);
      }
    } catch {
      if (signal.aborted) return;
    }
    setLive(channel, false);
    const delay = Math.min(15_000, 500 * 2 ** failures++) * (0.5 + Math.random() / 2);
    await new Promise((r) => setTimeout(r, delay));
  }
}
