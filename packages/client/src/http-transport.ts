import { ApiUnreachableError, errorForStatus } from "./errors.js";
import { sleep } from "./sleep.js";
import { DEFAULT_RETRY_POLICY, RETRYABLE_STATUSES, retryDelayMs, type RetryPolicy } from "./retry-policy.js";
import type { IncomingMessage } from "node:http";
import { openHttpStream, sendHttpRequest, type SentResponse } from "./send-http-request.js";

export interface HttpTransportOptions {
  /** Base URL of the API, e.g. http://127.0.0.1:4200/api (a trailing slash is fine). */
  apiUrl: string;
  /** Sent as `Authorization: Bearer <key>`. */
  apiKey?: string;
  /** USER:PASS sent as HTTP Basic (Prefect's self-hosted auth). */
  authString?: string;
  retry?: Partial<RetryPolicy>;
  /** Per-attempt timeout. */
  timeoutMs?: number;
  userAgent?: string;
  /** Called before each retry, e.g. to log it. */
  onRetry?: (info: { method: string; path: string; attempt: number; delayMs: number; reason: string }) => void;
}

export interface RequestOptions {
  /** Retry on connection errors and 429/502/503/504 (default true). Set false for calls that must not repeat. */
  retry?: boolean;
  signal?: AbortSignal;
  /** Extra headers. */
  headers?: Record<string, string>;
}

export interface HttpResponse<T> {
  status: number;
  body: T;
}

function connectionErrorCode(err: unknown): string | undefined {
  const e = err as { code?: string; cause?: { code?: string; name?: string; message?: string }; name?: string };
  return e?.cause?.code ?? e?.code ?? (e?.name === "TimeoutError" || e?.cause?.name === "TimeoutError" ? "ETIMEDOUT" : e?.cause?.message);
}

/**
 * JSON over HTTP with retries. Every call is safe to retry in the API's design: creates are
 * idempotent by name/key and state proposals carry a transition id the server deduplicates.
 */
export class HttpTransport {
  readonly apiUrl: string;
  private readonly headers: Record<string, string>;
  private readonly policy: RetryPolicy;
  private readonly timeoutMs: number;

  constructor(private readonly options: HttpTransportOptions) {
    this.apiUrl = options.apiUrl.replace(/\/+$/, "");
    this.policy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.headers = { accept: "application/json", "user-agent": options.userAgent ?? "ecsflow-client" };
    if (options.apiKey) this.headers.authorization = `Bearer ${options.apiKey}`;
    else if (options.authString) this.headers.authorization = `Basic ${Buffer.from(options.authString).toString("base64")}`;
  }

  async request<T = unknown>(method: string, path: string, body?: unknown, opts: RequestOptions = {}): Promise<HttpResponse<T>> {
    const url = new URL(`${this.apiUrl}${path.startsWith("/") ? path : `/${path}`}`);
    const maxAttempts = opts.retry === false ? 1 : this.policy.maxAttempts;
    const payload = body === undefined ? undefined : JSON.stringify(body);
    for (let attempt = 1; ; attempt++) {
      let response: SentResponse;
      try {
        response = await sendHttpRequest(url, {
          method,
          headers: payload === undefined ? { ...this.headers, ...opts.headers } : { ...this.headers, "content-type": "application/json", ...opts.headers },
          body: payload,
          timeoutMs: this.timeoutMs,
          signal: opts.signal,
        });
      } catch (err) {
        if (opts.signal?.aborted) throw opts.signal.reason ?? err;
        const code = connectionErrorCode(err) ?? "network error";
        if (attempt >= maxAttempts) {
          throw new ApiUnreachableError(`Cannot reach the API at ${this.apiUrl} (${code}) after ${attempt} attempt(s). Is the server running, and is the API URL right?`, this.apiUrl, { cause: err });
        }
        await this.backoff(method, path, attempt, null, code, opts.signal);
        continue;
      }
      const text = response.text;
      let parsed: unknown = undefined;
      if (text !== "") {
        try {
          parsed = JSON.parse(text);
        } catch {
          parsed = text;
        }
      }
      if (response.status >= 200 && response.status < 300) return { status: response.status, body: parsed as T };
      if (RETRYABLE_STATUSES.has(response.status) && attempt < maxAttempts) {
        await this.backoff(method, path, attempt, response.header("retry-after"), `HTTP ${response.status}`, opts.signal);
        continue;
      }
      throw errorForStatus(response.status, parsed, method, path);
    }
  }

  /**
   * Opens a long-lived GET (a server-sent event stream) with this transport's credentials; no
   * timeout and no retries (the caller reconnects). Throws the API error for a non-2xx answer.
   */
  async openStream(path: string, signal: AbortSignal): Promise<AsyncIterable<Buffer>> {
    const url = new URL(`${this.apiUrl}${path.startsWith("/") ? path : `/${path}`}`);
    let response: { status: number; body: IncomingMessage };
    try {
      response = await openHttpStream(url, { headers: { ...this.headers, accept: "text/event-stream" }, signal });
    } catch (err) {
      if (signal.aborted) throw signal.reason ?? err;
      throw new ApiUnreachableError(`Cannot reach the API at ${this.apiUrl} (${connectionErrorCode(err) ?? "network error"}).`, this.apiUrl, { cause: err });
    }
    // The caller's abort ends the stream (the response, not only the request).
    signal.addEventListener("abort", () => response.body.destroy(), { once: true });
    if (response.status >= 200 && response.status < 300) return response.body;
    const chunks: Buffer[] = [];
    for await (const c of response.body) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    let detail: unknown = text;
    try {
      detail = JSON.parse(text);
    } catch {
      /* keep the text */
    }
    throw errorForStatus(response.status, detail, "GET", path);
  }

  private async backoff(method: string, path: string, attempt: number, retryAfter: string | null, reason: string, signal?: AbortSignal) {
    const delayMs = retryDelayMs(this.policy, attempt, retryAfter);
    this.options.onRetry?.({ method, path, attempt, delayMs, reason });
    await sleep(delayMs, signal);
  }
}
