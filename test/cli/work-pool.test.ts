import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../support/test-server.js";
import { ecsflow, emptyHome, parseJson, STACK_FRAME } from "./run-ecsflow.js";

// `ecsflow work-pool …` as a user runs it, against a real server.
describe("ecsflow work-pool", () => {
  let server: TestServer;
  let env: Record<string, string>;
  beforeAll(async () => {
    server = await startTestServer("sqlite");
    env = { PREFECT_API_URL: server.apiUrl, ECSFLOW_HOME: emptyHome() };
  });
  afterAll(async () => server?.close());

  it("creates a pool with its type's default template, lists and inspects it (tables for people, JSON for scripts)", async () => {
    const created = await ecsflow(["work-pool", "create", "wp-a", "--type", "process", "--description", "first"], env);
    expect(created.stderr).toBe("");
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/Created work pool "wp-a" \(type process\)/);
    const stored = (await server.request("GET", "/work_pools/wp-a")).body;
    expect(stored.description).toBe("first");
    expect(stored.base_job_template.job_configuration).toBeDefined();

    const [createdJson, table, json, inspect, inspectJson] = await Promise.all([
      ecsflow(["work-pool", "create", "wp-b", "--type", "ecs", "--paused", "--concurrency-limit", "3", "--json"], env),
      ecsflow(["work-pool", "ls"], env),
      ecsflow(["work-pool", "ls", "--json"], env),
      ecsflow(["work-pool", "inspect", "wp-a"], env),
      ecsflow(["work-pool", "inspect", "wp-a", "--json"], env),
    ]);
    expect(createdJson.code).toBe(0);
    expect(parseJson(createdJson)).toMatchObject({ name: "wp-b", type: "ecs", is_paused: true, concurrency_limit: 3 });
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^NAME\s+TYPE\s+STATUS/);
    expect(table.stdout).toMatch(/wp-a\s+process/);
    expect(json.code).toBe(0);
    expect(parseJson<any[]>(json).map((p) => p.name)).toContain("wp-a");
    expect(inspect.code).toBe(0);
    expect(inspect.stdout).toMatch(/name: wp-a/);
    expect(inspect.stdout).toMatch(/job_configuration:/);
    expect(parseJson(inspectJson)).toMatchObject({ name: "wp-a", type: "process", id: stored.id });
  });

  it("updates only what is passed, pauses, resumes and deletes", async () => {
    expect((await ecsflow(["work-pool", "create", "wp-c"], env)).code).toBe(0);
    const dir = mkdtempSync(join(tmpdir(), "ecsflow-tpl-"));
    const template = { job_configuration: { command: "{{ command }}" }, variables: { type: "object", properties: { command: { type: "string", default: "echo hi" } } } };
    writeFileSync(join(dir, "t.json"), JSON.stringify(template));
    const updated = await ecsflow(["work-pool", "update", "wp-c", "--concurrency-limit", "2", "--base-job-template", join(dir, "t.json"), "--json"], env);
    expect(updated.code).toBe(0);
    expect(parseJson(updated)).toMatchObject({ name: "wp-c", concurrency_limit: 2, base_job_template: template });
    const cleared = await ecsflow(["work-pool", "update", "wp-c", "--clear-concurrency-limit"], env);
    expect(cleared.code).toBe(0);
    expect(cleared.stdout).toMatch(/Updated work pool "wp-c" \(concurrency_limit\)/);
    expect((await server.request("GET", "/work_pools/wp-c")).body.concurrency_limit).toBeNull();

    const paused = await ecsflow(["work-pool", "pause", "wp-c", "--json"], env);
    expect(paused.code).toBe(0);
    expect(parseJson(paused)).toMatchObject({ is_paused: true, status: "PAUSED" });
    const resumed = await ecsflow(["work-pool", "resume", "wp-c"], env);
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toMatch(/Resumed work pool "wp-c"/);
    expect((await server.request("GET", "/work_pools/wp-c")).body.is_paused).toBe(false);

    const deleted = await ecsflow(["work-pool", "delete", "wp-c", "--json"], env);
    expect(deleted.code).toBe(0);
    expect(parseJson(deleted)).toEqual({ deleted: "work_pool", name: "wp-c" });
    expect((await server.request("GET", "/work_pools/wp-c")).status).toBe(404);
  });

  it("names an unknown pool (exit 3) for inspect, update, pause, resume and delete", async () => {
    const results = await Promise.all([
      ecsflow(["work-pool", "inspect", "nope"], env),
      ecsflow(["work-pool", "update", "nope", "--description", "x"], env),
      ecsflow(["work-pool", "pause", "nope"], env),
      ecsflow(["work-pool", "resume", "nope", "--json"], env),
      ecsflow(["work-pool", "delete", "nope"], env),
    ]);
    for (const r of results) {
      expect(r.code).toBe(3);
      expect(r.stderr).toMatch(/Work pool "nope" not found\. Run `ecsflow work-pool ls`/);
      expect(r.stdout).toBe("");
      expect(r.stderr).not.toMatch(STACK_FRAME);
    }
  });

  it("reports the server's reason when it refuses (exit 3), and bad input before calling it (exit 2)", async () => {
    expect((await ecsflow(["work-pool", "create", "wp-dup"], env)).code).toBe(0);
    const dup = await ecsflow(["work-pool", "create", "wp-dup"], env);
    expect(dup.code).toBe(3);
    expect(dup.stderr).toMatch(/409: A work pool with this name already exists/);
    const badTemplate = { job_configuration: { command: "{{ undeclared }}" }, variables: { type: "object", properties: {} } };
    const dir = mkdtempSync(join(tmpdir(), "ecsflow-tpl-"));
    writeFileSync(join(dir, "bad.json"), JSON.stringify(badTemplate));
    writeFileSync(join(dir, "broken.json"), "{ not json");
    const [invalid, broken, missing, limit, nothing] = await Promise.all([
      ecsflow(["work-pool", "update", "wp-dup", "--base-job-template", join(dir, "bad.json")], env),
      ecsflow(["work-pool", "create", "wp-x", "--base-job-template", join(dir, "broken.json")], env),
      ecsflow(["work-pool", "create", "wp-x", "--base-job-template", join(dir, "absent.json")], env),
      ecsflow(["work-pool", "create", "wp-x", "--concurrency-limit", "many"], env),
      ecsflow(["work-pool", "update", "wp-dup"], env),
    ]);
    expect(invalid.code).toBe(3);
    expect(invalid.stderr).toMatch(/422: body\.base_job_template/);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/--base-job-template: .*broken\.json is not valid JSON/);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/cannot read .*absent\.json \(ENOENT\)/);
    expect(limit.code).toBe(2);
    expect(limit.stderr).toMatch(/--concurrency-limit must be a whole number/);
    expect(nothing.code).toBe(2);
    expect(nothing.stderr).toMatch(/Nothing to update/);
    expect((await server.request("GET", "/work_pools/wp-x")).status).toBe(404);
  });
});
