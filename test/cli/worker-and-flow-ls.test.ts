import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../support/test-server.js";
import { ecsflow, emptyHome, parseJson } from "./run-ecsflow.js";

describe("ecsflow worker ls and flow ls", () => {
  let server: TestServer;
  let env: Record<string, string>;
  beforeAll(async () => {
    server = await startTestServer("sqlite");
    env = { PREFECT_API_URL: server.apiUrl, ECSFLOW_HOME: emptyHome() };
    for (const pool of ["wa", "wb"]) expect((await server.request("POST", "/work_pools/", { name: pool, type: "process" })).status).toBe(201);
    await server.request("POST", "/work_pools/wa/workers/heartbeat", { name: "worker-1", heartbeat_interval_seconds: 30 });
    await server.request("POST", "/work_pools/wb/workers/heartbeat", { name: "worker-2", heartbeat_interval_seconds: 30 });
    await server.request("POST", "/flows/", { name: "older-flow" });
    await server.request("POST", "/flows/", { name: "newer-flow" });
  });
  afterAll(async () => server?.close());

  it("lists the workers of every pool, or of one with --pool, with status and heartbeat", async () => {
    const [all, one, json, unknown] = await Promise.all([
      ecsflow(["worker", "ls"], env),
      ecsflow(["worker", "ls", "--pool", "wb", "--json"], env),
      ecsflow(["worker", "ls", "--json"], env),
      ecsflow(["worker", "ls", "--pool", "ghost"], env),
    ]);
    expect(all.code).toBe(0);
    expect(all.stdout).toMatch(/^NAME\s+WORK POOL\s+STATUS\s+LAST HEARTBEAT/);
    expect(all.stdout).toMatch(/worker-1\s+wa\s+ONLINE/);
    expect(all.stdout).toMatch(/worker-2\s+wb\s+ONLINE/);
    expect(parseJson<any[]>(one).map((w) => w.name)).toEqual(["worker-2"]);
    expect(parseJson<any[]>(json).map((w) => [w.name, w.work_pool_name])).toEqual([
      ["worker-1", "wa"],
      ["worker-2", "wb"],
    ]);
    expect(unknown.code).toBe(3);
    expect(unknown.stderr).toMatch(/Work pool "ghost" not found/);
  });

  it("lists flows newest first, with --limit", async () => {
    const [table, json, bad] = await Promise.all([ecsflow(["flow", "ls"], env), ecsflow(["flow", "ls", "--limit", "1", "--json"], env), ecsflow(["flow", "ls", "--limit", "0"], env)]);
    expect(table.code).toBe(0);
    expect(table.stdout.indexOf("newer-flow")).toBeLessThan(table.stdout.indexOf("older-flow"));
    expect(parseJson<any[]>(json).map((f) => f.name)).toEqual(["newer-flow"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--limit must be a whole number of at least 1/);
  });
});
