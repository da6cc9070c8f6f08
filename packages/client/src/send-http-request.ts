import type { IncomingMessage, RequestOptions } from "node:http";

/**
 * One HTTP exchange through node:http(s), the whole body read as text. Not global fetch: its
 * first call loads undici, about 40 ms of CPU on a small machine, paid by every flow-run task
 * before the flow's first line (bench/executor.bench.ts); node:http is already in Node's snapshot.
 * The default agents keep connections alive between calls and let an idle one not hold the
 * process open.
 */
export interface SentResponse {
  status: number;
  header(name: string): string | null;
  text: string;
}

/** Raised when the exchange took longer than the timeout; `code` ETIMEDOUT like a socket error. */
class RequestTimeoutError extends Error {
  override readonly name = "TimeoutError";
  readonly code = "ETIMEDOUT";
}

export async function sendHttpRequest(
  url: URL,
  o: { method: string; headers: Record<string, string>; body?: string; timeoutMs: number; signal?: AbortSignal },
): Promise<SentResponse> {
  const { request } = url.protocol === "https:" ? await import("node:https") : await import("node:http");
  if (o.signal?.aborted) throw o.signal.reason;
  const headers = o.body === undefined ? o.headers : { ...o.headers, "content-length": String(Buffer.byteLength(o.body)) };
  return new Promise<SentResponse>((resolve, reject) => {
    const options: RequestOptions = { method: o.method, headers };
    const req = request(url, options);
    let settled = false;
    const fail = (err: unknown) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      o.signal?.removeEventListener("abort", onAbort);
      req.destroy();
      reject(err);
    };
    const timer = setTimeout(() => fail(new RequestTimeoutError(`no answer within ${o.timeoutMs} ms`)), o.timeoutMs);
    const onAbort = () => fail(o.signal?.reason);
    o.signal?.addEventListener("abort", onAbort, { once: true });
    req.on("error", fail);
    req.on("response", (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("error", fail);
      res.on("aborted", () => fail(Object.assign(new Error("the connection closed mid-answer"), { code: "ECONNRESET" })));
      res.on("end", () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        o.signal?.removeEventListener("abort", onAbort);
        const text = Buffer.concat(chunks).toString("utf8");
        resolve({
          status: res.statusCode ?? 0,
          header: (name) => {
            const v = res.headers[name.toLowerCase()];
            return v === undefined ? null : Array.isArray(v) ? v.join(", ") : v;
          },
          text,
        });
      });
    });
    req.end(o.body);
  });
}

/**
 * Opens a long-lived GET (a server-sent event stream) through node:http(s): resolves with the
 * status and the body as a stream once the headers arrived; no timeout (the stream has none).
 */
export async function openHttpStream(url: URL, o: { headers: Record<string, string>; signal: AbortSignal }): Promise<{ status: number; body: IncomingMessage }> {
  const { request } = url.protocol === "https:" ? await import("node:https") : await import("node:http");
  if (o.signal.aborted) throw o.signal.reason;
  return new Promise((resolve, reject) => {
    // Its own connection: a stream must not hold one of the pool's kept-alive sockets forever.
    const req = request(url, { method: "GET", headers: o.headers, agent: false });
    const onAbort = () => {
      req.destroy();
      reject(o.signal.reason);
    };
    o.signal.addEventListener("abort", onAbort, { once: true });
    req.on("error", (err) => {
      o.signal.removeEventListener("abort", onAbort);
      reject(err);
    });
    req.on("response", (res: IncomingMessage) => {
      res.socket?.setNoDelay(true);
      resolve({ status: res.statusCode ?? 0, body: res });
    });
    req.end();
  });
}
