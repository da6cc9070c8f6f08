import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import {
  ApiUnreachableError,
  ApiValidationError,
  EcsflowClient,
  HttpTransport,
  ObjectNotFoundError,
  retryDelayMs,
  ServerError,
  UnauthorizedError,
} from "../../packages/client/src/index.js";

// A real HTTP server whose answers each test scripts: the client is exercised over the wire.
type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;
let server: Server | undefined;
async function serve(handler: Handler): Promise<string> {
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => handler(req, body, res));
  });
  await new Promise<void>((r) => server!.listen(0, "127.0.0.1", r));
  return `http://127.0.0.1:${(server!.address() as AddressInfo).port}/api`;
}
afterEach(async () => {
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = undefined;
});
const json = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
};
const fast = { maxAttempts: 4, baseDelayMs: 1, maxDelayMs: 5 };

describe("HttpTransport", () => {
  it("retries 503s and then succeeds, reporting each retry", async () => {
    let calls = 0;
    const url = await serve((_req, _body, res) => (++calls < 3 ? json(res, 503, { exception_message: "Service Unavailable" }) : json(res, 200, { ok: true })));
    const retries: string[] = [];
    const t = new HttpTransport({ apiUrl: url, retry: fast, onRetry: (i) => retries.push(i.reason) });
    expect(await t.request("GET", "/x")).toEqual({ status: 200, body: { ok: true } });
    expect(calls).toBe(3);
    expect(retries).toEqual(["HTTP 503", "HTTP 503"]);
  });

  it("gives up after maxAttempts with a ServerError", async () => {
    let calls = 0;
    const url = await serve((_req, _body, res) => {
      calls++;
      json(res, 503, { exception_message: "Service Unavailable" });
    });
    const t = new HttpTransport({ apiUrl: url, retry: fast });
    await expect(t.request("GET", "/x")).rejects.toBeInstanceOf(ServerError);
    expect(calls).toBe(4);
  });

  it("does not retry a 422 and exposes the field messages", async () => {
    let calls = 0;
    const url = await serve((_req, _body, res) => {
      calls++;
      json(res, 422, { detail: [{ loc: ["body", "name"], msg: "Field required", type: "missing" }] });
    });
    const t = new HttpTransport({ apiUrl: url, retry: fast });
    const err = await t.request("POST", "/flows/", {}).catch((e) => e);
    expect(err).toBeInstanceOf(ApiValidationError);
    expect(err.fieldMessages).toEqual(["body.name: Field required"]);
    expect(err.message).toContain("body.name: Field required");
    expect(calls).toBe(1);
  });

  it("maps 404 and 401 to their classes without echoing the API key", async () => {
    const url = await serve((req, _body, res) => (req.url?.endsWith("/missing") ? json(res, 404, { detail: "Flow run not found" }) : json(res, 401, { detail: "Invalid credentials." })));
    const t = new HttpTransport({ apiUrl: url, apiKey: "pnu_very_secret", retry: fast });
    await expect(t.request("GET", "/missing")).rejects.toBeInstanceOf(ObjectNotFoundError);
    const err = await t.request("GET", "/other").catch((e) => e);
    expect(err).toBeInstanceOf(UnauthorizedError);
    expect(String(err.message)).not.toContain("pnu_very_secret");
  });

  it("sends the bearer key, or Basic auth for an auth string", async () => {
    const seen: (string | undefined)[] = [];
    const url = await serve((req, _body, res) => {
      seen.push(req.headers.authorization);
      json(res, 200, true);
    });
    await new HttpTransport({ apiUrl: url, apiKey: "k1" }).request("GET", "/health");
    await new HttpTransport({ apiUrl: url, authString: "u:p" }).request("GET", "/health");
    expect(seen).toEqual(["Bearer k1", `Basic ${Buffer.from("u:p").toString("base64")}`]);
  });

  it("reports an unreachable API after retrying connection errors", async () => {
    const url = await serve((_req, _body, res) => json(res, 200, true));
    await new Promise<void>((r) => server!.close(() => r()));
    server = undefined;
    const retries: string[] = [];
    const err = await new HttpTransport({ apiUrl: url, retry: fast, onRetry: (i) => retries.push(i.reason) }).request("GET", "/health").catch((e) => e);
    expect(err).toBeInstanceOf(ApiUnreachableError);
    expect(err.message).toMatch(/Cannot reach the API .*ECONNREFUSED.* after 4 attempt/);
    expect(retries).toHaveLength(3);
  });
});

describe("HttpTransport over node:http", () => {
  it("gives up on an API that never answers (ETIMEDOUT), and stops at once when the caller aborts", async () => {
    const url = await serve(() => undefined); // reads the request, never answers
    const err = await new HttpTransport({ apiUrl: url, retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 1 }, timeoutMs: 100 }).request("GET", "/health").catch((e) => e);
    expect(err).toBeInstanceOf(ApiUnreachableError);
    expect(err.message).toMatch(/Cannot reach the API .*ETIMEDOUT.* after 2 attempt/);

    const controller = new AbortController();
    const pending = new HttpTransport({ apiUrl: url, timeoutMs: 60_000 }).request("GET", "/health", undefined, { signal: controller.signal }).catch((e) => e);
    controller.abort(new Error("stop now"));
    expect((await pending).message).toBe("stop now");
  });

  it("sends JSON bodies with their length, reads non-JSON answers as text and multi-byte text whole", async () => {
    const seen: { type?: string; length?: string; body: string }[] = [];
    const url = await serve((req, body, res) => {
      seen.push({ type: req.headers["content-type"], length: req.headers["content-length"], body });
      if (req.url === "/api/text") {
        res.writeHead(200, { "content-type": "text/plain" });
        res.end("plain ✓");
      } else json(res, 201, { echoed: JSON.parse(body) });
    });
    const t = new HttpTransport({ apiUrl: url });
    expect(await t.request("POST", "/echo", { name: "größe ✓" })).toEqual({ status: 201, body: { echoed: { name: "größe ✓" } } });
    expect(seen[0]).toEqual({ type: "application/json", length: String(Buffer.byteLength(JSON.stringify({ name: "größe ✓" }))), body: JSON.stringify({ name: "größe ✓" }) });
    expect(await t.request("GET", "/text")).toEqual({ status: 200, body: "plain ✓" });
  });
});

describe("retryDelayMs", () => {
  it("grows exponentially under the cap with full jitter, and honours Retry-After", () => {
    const policy = { maxAttempts: 10, baseDelayMs: 100, maxDelayMs: 1000 };
    expect(retryDelayMs(policy, 1, null, () => 1)).toBe(100);
    expect(retryDelayMs(policy, 3, null, () => 1)).toBe(400);
    expect(retryDelayMs(policy, 8, null, () => 1)).toBe(1000);
    expect(retryDelayMs(policy, 3, null, () => 0)).toBe(0);
    expect(retryDelayMs(policy, 1, "2", () => 0)).toBe(1000);
  });
});

describe("EcsflowClient", () => {
  it("adds a transition id to state proposals", async () => {
    let received: any;
    const url = await serve((_req, body, res) => {
      received = JSON.parse(body);
      json(res, 201, { status: "ACCEPT", state: null, details: { type: "accept_details" } });
    });
    const client = new EcsflowClient({ apiUrl: url });
    const result = await client.setFlowRunState("0193f3f0-0000-7000-8000-000000000000", { type: "PENDING" });
    expect(result.status).toBe("ACCEPT");
    expect(received.state.type).toBe("PENDING");
    expect(received.state.state_details.transition_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(received.force).toBe(false);
  });
});
