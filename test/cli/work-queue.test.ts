import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../support/test-server.js";
import { ecsflow, emptyHome, parseJson, STACK_FRAME } from "./run-ecsflow.js";

// `ecsflow work-queue …` as a user runs it, against a real server.
describe("ecsflow work-queue", () => {
  let server: TestServer;
  let env: Record<string, string>;
  beforeAll(async () => {
    server = await startTestServer("sqlite");
    env = { PREFECT_API_URL: server.apiUrl, ECSFLOW_HOME: emptyHome() };
    expect((await server.request("POST", "/work_pools/", { name: "qp", type: "process" })).status).toBe(201);
  });
  afterAll(async () => server?.close());

  it("creates, lists by priority, inspects, updates, pauses, resumes and deletes a queue", async () => {
    const created = await ecsflow(["work-queue", "create", "high", "--pool", "qp", "--priority", "1", "--concurrency-limit", "4"], env);
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/Created work queue "high" in work pool "qp" \(priority 1\)/);

    const [table, json, inspect] = await Promise.all([
      ecsflow(["work-queue", "ls", "-p", "qp"], env),
      ecsflow(["work-queue", "ls", "--pool", "qp", "--json"], env),
      ecsflow(["work-queue", "inspect", "high", "--pool", "qp", "--json"], env),
    ]);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^NAME\s+PRIORITY/);
    expect(table.stdout.indexOf("high")).toBeLessThan(table.stdout.indexOf("default"));
    expect(parseJson<any[]>(json).map((q) => q.name)).toEqual(["high", "default"]);
    expect(parseJson(inspect)).toMatchObject({ name: "high", priority: 1, concurrency_limit: 4, work_pool_name: "qp" });

    const updated = await ecsflow(["work-queue", "update", "high", "--pool", "qp", "--description", "urgent", "--clear-concurrency-limit", "--json"], env);
    expect(updated.code).toBe(0);
    expect(parseJson(updated)).toMatchObject({ description: "urgent", concurrency_limit: null });

    const paused = await ecsflow(["work-queue", "pause", "high", "--pool", "qp", "--json"], env);
    expect(paused.code).toBe(0);
    expect(parseJson(paused)).toMatchObject({ is_paused: true, status: "PAUSED" });
    const resumed = await ecsflow(["work-queue", "resume", "high", "--pool", "qp"], env);
    expect(resumed.code).toBe(0);
    expect((await server.request("GET", "/work_pools/qp/queues/high")).body.is_paused).toBe(false);

    const deleted = await ecsflow(["work-queue", "delete", "high", "--pool", "qp"], env);
    expect(deleted.code).toBe(0);
    expect(deleted.stdout).toMatch(/Deleted work queue "high" of work pool "qp"/);
    expect((await server.request("GET", "/work_pools/qp/queues/high")).status).toBe(404);
  });

  it("names the unknown queue or pool (exit 3), refuses what the server refuses (exit 3) and bad flags (exit 2)", async () => {
    const [queue, pool, del, noPool, priority, defaultQueue] = await Promise.all([
      ecsflow(["work-queue", "inspect", "ghost", "--pool", "qp"], env),
      ecsflow(["work-queue", "ls", "--pool", "ghost-pool"], env),
      ecsflow(["work-queue", "delete", "ghost", "--pool", "qp", "--json"], env),
      ecsflow(["work-queue", "ls"], env),
      ecsflow(["work-queue", "create", "q", "--pool", "qp", "--priority", "0"], env),
      ecsflow(["work-queue", "delete", "default", "--pool", "qp"], env),
    ]);
    expect(queue.code).toBe(3);
    expect(queue.stderr).toMatch(/Work queue "ghost" of work pool "qp" not found/);
    expect(pool.code).toBe(3);
    expect(pool.stderr).toMatch(/Work pool "ghost-pool" not found/);
    expect(del.code).toBe(3);
    expect(del.stdout).toBe("");
    expect(noPool.code).toBe(2);
    expect(noPool.stderr).toMatch(/required option '-p, --pool <name>'/);
    expect(priority.code).toBe(2);
    expect(priority.stderr).toMatch(/--priority must be a whole number of at least 1/);
    expect(defaultQueue.code).toBe(3);
    expect(defaultQueue.stderr).toMatch(/failed with 4\d\d: .+/);
    for (const r of [queue, pool, del, noPool, priority, defaultQueue]) expect(r.stderr).not.toMatch(STACK_FRAME);
    expect((await server.request("GET", "/work_pools/qp/queues/default")).status).toBe(200);
  });
});
