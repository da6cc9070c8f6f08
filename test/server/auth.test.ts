import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../support/test-server.js";

// Auth does not touch storage, so one engine is enough here.
describe("API key auth", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer("sqlite", { auth: { apiKey: "pnu_test_key" } });
  });
  afterAll(async () => server?.close());

  it("leaves /api/health open", async () => {
    expect((await server.request("GET", "/health")).status).toBe(200);
  });

  it("answers 401 without a key and with a wrong key", async () => {
    const none = await server.request("GET", "/admin/version");
    expect(none.status).toBe(401);
    expect(none.body.detail).toMatch(/Authentication required/);
    const wrong = await server.request("GET", "/admin/version", undefined, { authorization: "Bearer nope" });
    expect(wrong.status).toBe(401);
    expect(JSON.stringify(wrong.body)).not.toContain("pnu_test_key");
  });

  it("accepts the right bearer key", async () => {
    const ok = await server.request("GET", "/admin/version", undefined, { authorization: "Bearer pnu_test_key" });
    expect(ok.status).toBe(200);
  });
});

describe("Basic auth string", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer("sqlite", { auth: { authString: "admin:s3cret" } });
  });
  afterAll(async () => server?.close());

  it("accepts the right user:pass and refuses others", async () => {
    const good = Buffer.from("admin:s3cret").toString("base64");
    const bad = Buffer.from("admin:wrong").toString("base64");
    expect((await server.request("GET", "/version", undefined, { authorization: `Basic ${good}` })).status).toBe(200);
    const r = await server.request("GET", "/version", undefined, { authorization: `Basic ${bad}` });
    expect(r.status).toBe(401);
  });
});
