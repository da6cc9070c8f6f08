import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../support/test-server.js";

const KEY = "pnu_bypass_key";

/** Sends one request exactly as written (no client normalises the path), returns the status code. */
function rawRequest(port: number, requestLine: string, body = "", headers: string[] = []): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    let data = "";
    socket.on("data", (d) => (data += String(d)));
    socket.on("error", reject);
    socket.on("end", () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(data)?.[1] ?? 0)));
    const lines = [requestLine, "Host: 127.0.0.1", "Connection: close", ...headers];
    if (body) lines.push("Content-Type: application/json", `Content-Length: ${Buffer.byteLength(body)}`);
    socket.write(`${lines.join("\r\n")}\r\n\r\n${body}`);
  });
}

/** `/api/work_pools/` with every letter percent-encoded in turn, and every slash after the first. */
function encodedVariants(path: string): string[] {
  const out: string[] = [];
  for (let i = 1; i < path.length; i++) {
    const c = path[i];
    if (/[a-z_]/i.test(c) || (c === "/" && i > 0)) out.push(path.slice(0, i) + "%" + c.charCodeAt(0).toString(16).padStart(2, "0") + path.slice(i + 1));
  }
  return out;
}

describe("API key cannot be bypassed through the URL's spelling", () => {
  let server: TestServer;
  let port: number;
  const poolCount = async () =>
    (await server.request<number>("POST", "/work_pools/count", {}, { authorization: `Bearer ${KEY}` })).body;

  beforeAll(async () => {
    server = await startTestServer("sqlite", { auth: { apiKey: KEY } });
    port = Number(new URL(server.apiUrl).port);
  });
  afterAll(async () => server?.close());

  it("refuses percent-encoded API paths without the key and writes nothing", async () => {
    const before = await poolCount();
    const body = JSON.stringify({ name: "bypass", type: "process" });
    const variants = encodedVariants("/api/work_pools/");
    expect(variants.length).toBeGreaterThan(10);
    for (const path of variants) {
      const status = await rawRequest(port, `POST ${path} HTTP/1.1`, body);
      expect(status, path).toBe(401);
    }
    expect(await rawRequest(port, "POST /ap%69/flows/filter HTTP/1.1", "{}")).toBe(401);
    expect(await rawRequest(port, "GET /%61pi/ecsflow/run_events HTTP/1.1")).toBe(401);
    expect(await poolCount()).toBe(before);
  });

  it("refuses an absolute-form request line without the key", async () => {
    expect(await rawRequest(port, `POST http://127.0.0.1:${port}/api/flows/filter HTTP/1.1`, "{}")).toBe(401);
    expect(await rawRequest(port, `POST http://127.0.0.1:${port}/api/work_pools/ HTTP/1.1`, JSON.stringify({ name: "abs", type: "process" }))).toBe(401);
    expect(await poolCount()).toBe(0);
  });

  it("refuses doubled slashes, mixed case, dot segments and a trailing %2f", async () => {
    for (const path of ["//api/flows/filter", "/api//flows/filter", "/API/flows/filter", "/Api/flows/filter", "/ui/../api/flows/filter", "/api/flows/filter%2f", "/api/./flows/filter"]) {
      const status = await rawRequest(port, `POST ${path} HTTP/1.1`, "{}");
      // 401, or 404 where the router matched no route at all: never an answer from an API route.
      expect(status, path).toBe(401);
    }
  });

  it("answers 401, not 404, for unknown API paths, and keeps health and the UI open", async () => {
    expect(await rawRequest(port, "GET /api/no/such/route HTTP/1.1")).toBe(401);
    expect(await rawRequest(port, "GET /api HTTP/1.1")).toBe(401);
    expect(await rawRequest(port, "GET /api/health HTTP/1.1")).toBe(200);
    // The UI's shell (or its "not built" page): never a 401, so the sign-in page can load.
    expect(await rawRequest(port, "GET /runs HTTP/1.1")).not.toBe(401);
  });

  it("refuses the key in the wrong header and a wrong scheme", async () => {
    expect(await rawRequest(port, "POST /api/flows/filter HTTP/1.1", "{}", [`X-Api-Key: ${KEY}`])).toBe(401);
    expect(await rawRequest(port, "POST /api/flows/filter HTTP/1.1", "{}", [`Authorization: Token ${KEY}`])).toBe(401);
    expect(await rawRequest(port, "POST /api/flows/filter HTTP/1.1", "{}", [`Authorization: Bearer ${KEY}`])).toBe(200);
  });
});
