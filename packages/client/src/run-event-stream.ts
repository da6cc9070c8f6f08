import { createParser } from "eventsource-parser";
import type { RunEvent } from "@ecsflow/schemas";
import { ObjectNotFoundError } from "./errors.js";
import type { HttpTransport } from "./http-transport.js";

export interface RunEventStreamOptions {
  transport: HttpTransport;
  /** Server-side filter: a work pool's runs, or one flow run and its task runs. */
  query?: { work_pool_name?: string; flow_run_id?: string };
  onEvent(event: RunEvent): void;
  /**
   * The stream (re)connected or fell behind: events may have been missed, so re-read what
   * depends on them (a worker polls once).
   */
  onResync?(): void;
  /** The server has no event stream (a plain Prefect server): the stream stops for good. */
  onUnsupported?(): void;
  onError?(error: Error, retryInMs: number): void;
  /** Reconnect delays: from minDelayMs doubling to maxDelayMs, with jitter. */
  minDelayMs?: number;
  maxDelayMs?: number;
}

export interface RunEventStream {
  /** Resolves when the first connection is open (or the stream was found unsupported / closed). */
  readonly ready: Promise<void>;
  readonly connected: boolean;
  close(): void;
}

/**
 * Subscribes to ecsflow's run event stream (`GET /api/ecsflow/run_events`) and keeps the
 * subscription up: a dropped connection is reopened with backoff, and every (re)connection
 * triggers onResync, because events published while it was down are gone.
 */
export function openRunEventStream(options: RunEventStreamOptions): RunEventStream {
  const controller = new AbortController();
  const minDelay = options.minDelayMs ?? 250;
  const maxDelay = options.maxDelayMs ?? 10_000;
  let connected = false;
  let markReady!: () => void;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(options.query ?? {})) if (v !== undefined) params.set(k, v);
  const path = `/ecsflow/run_events${params.size > 0 ? `?${params}` : ""}`;

  const readOnce = async (): Promise<void> => {
    const body = await options.transport.openStream(path, controller.signal);
    const parser = createParser({
      onEvent(message) {
        if (message.event === "ready") {
          connected = true;
          markReady();
          options.onResync?.();
        } else if (message.event === "resync") {
          options.onResync?.();
        } else if (message.event === "run") {
          let event: RunEvent;
          try {
            event = JSON.parse(message.data) as RunEvent;
          } catch {
            return;
          }
          options.onEvent(event);
        }
      },
    });
    const decoder = new TextDecoder();
    for await (const chunk of body) parser.feed(decoder.decode(chunk, { stream: true }));
  };

  void (async () => {
    let failures = 0;
    while (!controller.signal.aborted) {
      const openedAt = Date.now();
      try {
        await readOnce();
        if (controller.signal.aborted) break;
        throw new Error("the server closed the event stream");
      } catch (err) {
        connected = false;
        if (controller.signal.aborted) break;
        if (err instanceof ObjectNotFoundError) {
          options.onUnsupported?.();
          break;
        }
        // A connection that lived a while starts the backoff over.
        if (Date.now() - openedAt > 30_000) failures = 0;
        const delay = Math.min(maxDelay, minDelay * 2 ** failures++) * (0.5 + Math.random() / 2);
        options.onError?.(err as Error, delay);
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, delay);
          controller.signal.addEventListener("abort", () => (clearTimeout(t), resolve()), { once: true });
        });
      }
    }
    markReady();
  })();

  return {
    ready,
    get connected() {
      return connected;
    },
    close() {
      controller.abort();
      markReady();
    },
  };
}
