import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Fastify from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { uiStaticPlugin } from "../../packages/server/src/plugins/ui-static.js";
import { startTestServer, type TestServer } from "../support/test-server.js";
import { uiBundle } from "./support/ui-bundle.js";

// Serving of the built bundle (npm run build:ui); the browser suites check what the pages do.
describe("UI served by the server at /", () => {
  let server: TestServer;
  let origin: string;
  beforeAll(async () => {
    server = await startTestServer("sqlite");
    origin = server.apiUrl.replace(/\/api$/, "");
  });
  afterAll(() => server.close());

  it("serves index.html at / with no-cache, a content security policy and the bundle's script", async () => {
    const res = await fetch(`${origin}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    expect(res.headers.get("cache-control")).toBe("no-cache");
    expect(res.headers.get("content-security-policy")).toContain("script-src 'self'");
    const html = await res.text();
    expect(html).toMatch(/<script type="module" crossorigin src="\/assets\/index-[\w-]+\.js">/);
  });

  it("serves hashed assets as immutable for a year, compressed when the browser accepts it", async () => {
    const script = uiBundle().script;
    const res = await fetch(`${origin}${script}`, { headers: { "accept-encoding": "br, gzip" } });
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(res.headers.get("content-type")).toMatch(/^text\/javascript/);
    expect(res.headers.get("content-encoding")).toBe("br");
    expect((await res.text()).length).toBeGreaterThan(1000);
  });

  it("answers 304 to a matching If-None-Match", async () => {
    const first = await fetch(`${origin}/`);
    const etag = first.headers.get("etag")!;
    expect(etag).toBeTruthy();
    const second = await fetch(`${origin}/`, { headers: { "if-none-match": etag } });
    expect(second.status).toBe(304);
  });

  it("serves index.html for client-side routes such as /runs/<id> (SPA fallback)", async () => {
    for (const path of ["/runs", "/runs/3f1c9a4e-0000-4000-8000-000000000000", "/work-pools/my%20pool", "/deployments?x=1"]) {
      const res = await fetch(`${origin}${path}`);
      expect(res.status, path).toBe(200);
      expect(await res.text(), path).toContain('<div id="root"></div>');
    }
  });

  it("answers 404 for a missing asset instead of the app's HTML", async () => {
    const res = await fetch(`${origin}/assets/index-gone.js`);
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain/);
  });

  it("leaves /api to the API: unknown API paths keep Prefect's JSON 404", async () => {
    const res = await fetch(`${origin}/api/no_such_endpoint`);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ detail: "Not Found" });
    expect((await fetch(`${origin}/api/health`)).status).toBe(200);
  });

  it("keeps the UI's files public and the API guarded when the server has an API key", async () => {
    const guarded = await startTestServer("sqlite", { auth: { apiKey: "s3cret" } });
    try {
      const base = guarded.apiUrl.replace(/\/api$/, "");
      expect((await fetch(`${base}/runs`)).status).toBe(200);
      expect((await fetch(`${base}${uiBundle().script}`)).status).toBe(200);
      expect((await fetch(`${base}/api/admin/version`)).status).toBe(401);
    } finally {
      await guarded.close();
    }
  });

  it("says how to build the UI when the bundle is missing", async () => {
    const empty = mkdtempSync(join(tmpdir(), "ecsflow-ui-none-"));
    const app = Fastify();
    await app.register(uiStaticPlugin, { directory: empty });
    try {
      const res = await app.inject({ method: "GET", url: "/" });
      expect(res.statusCode).toBe(503);
      expect(res.body).toContain("npm run build");
    } finally {
      await app.close();
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
