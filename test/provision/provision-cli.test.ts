import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ecsflow, emptyHome, parseJson } from "../cli/run-ecsflow.js";
import { startFixture, type Fixture } from "../ecs-local/ecs-local-fixture.js";
import { startTestServer, type TestServer } from "../support/test-server.js";

// `ecsflow ecs provision` / `ecs teardown` as a user runs them (the built command, spawned),
// against ecs-local and a real server.

const MUTATING = /:(Create|Put|Attach|Detach|Register|Deregister|Update|Delete|Tag|Untag|Run|Stop)/;

let f: Fixture;
let server: TestServer;
let env: Record<string, string>;

beforeAll(async () => {
  f = await startFixture({ commandAliases: { ecsflow: ["sh", "-c", "sleep 600", "worker"] } });
  server = await startTestServer("sqlite");
  env = {
    PREFECT_API_URL: server.apiUrl,
    ECSFLOW_HOME: emptyHome(),
    ECSFLOW_API_KEY: "pnu_cli_key",
    ECSFLOW_AWS_ENDPOINT_URL: f.config.endpoint,
    AWS_ACCESS_KEY_ID: "test",
    AWS_SECRET_ACCESS_KEY: "test",
    AWS_REGION: "us-east-1",
    // This machine's Node.js 20 makes the SDK warn on stderr; the tests read stderr for errors.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
  };
});

afterAll(async () => {
  await f?.handle.close();
  await server?.close();
});

const mutating = () => Object.keys(f.handle.admin.counters().calls).filter((k) => MUTATING.test(k));

describe("ecsflow ecs provision / teardown (CLI)", () => {
  it("a bad subnet exits 3 with a message naming it, and nothing is created", async () => {
    f.handle.admin.resetCounters();
    const r = await ecsflow(["ecs", "provision", "--pool", "cli-bad", "--subnets", "subnet-0e5c10ca1de5a000a,subnet-0000000000000dead", "--create-api-key-secret", "--yes"], env);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^Error: Subnet subnet-0000000000000dead does not exist/m);
    expect(mutating()).toEqual([]);
    expect((await server.request("GET", "/work_pools/cli-bad")).status).toBe(404);
  });

  it("--dry-run prints the plan as a table; without --yes a script is refused (exit 2)", async () => {
    f.handle.admin.resetCounters();
    const dry = await ecsflow(["ecs", "provision", "--pool", "cli-pool", "--create-api-key-secret", "--dry-run"], env);
    expect(dry.stderr).toBe("");
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/^RESOURCE\s+NAME\s+ACTION/);
    expect(dry.stdout).toMatch(/ECS service \(worker\)\s+ecsflow-worker-cli-pool\s+create/);
    expect(dry.stdout).toMatch(/Dry run: 10 resource\(s\) would be created or changed; nothing was\./);
    expect(dry.stdout).not.toContain("pnu_cli_key");
    const refused = await ecsflow(["ecs", "provision", "--pool", "cli-pool", "--create-api-key-secret"], env);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/pass --yes/);
    expect(mutating()).toEqual([]);
  });

  it("--cloudformation writes a template without calling AWS, and never the key", async () => {
    f.handle.admin.resetCounters();
    const file = join(mkdtempSync(join(tmpdir(), "ecsflow-cfn-")), "stack.json");
    const r = await ecsflow(["ecs", "provision", "--pool", "cli-cfn", "--create-api-key-secret", "--cloudformation", file], env);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const text = readFileSync(file, "utf8");
    expect(JSON.parse(text).Resources.WorkerService.Type).toBe("AWS::ECS::Service");
    expect(text).not.toContain("pnu_cli_key");
    expect(f.handle.admin.counters().calls).toEqual({});
  });

  it("--yes provisions, a rerun changes nothing, teardown removes it all", async () => {
    const first = parseJson(await ecsflow(["ecs", "provision", "--pool", "cli-pool", "--create-api-key-secret", "--yes", "--json"], env));
    expect(first.resources.filter((e: { action: string }) => e.action === "create")).toHaveLength(10);
    f.handle.admin.resetCounters();
    const second = parseJson(await ecsflow(["ecs", "provision", "--pool", "cli-pool", "--create-api-key-secret", "--yes", "--json"], env));
    expect(second.resources.every((e: { action: string }) => e.action === "exists" || e.action === "check")).toBe(true);
    expect(mutating()).toEqual([]);
    const down = await ecsflow(["ecs", "teardown", "--pool", "cli-pool", "--yes"], env);
    expect(down.code).toBe(0);
    expect(down.stdout).toMatch(/Done: 10 resource\(s\) deleted\./);
    const again = parseJson(await ecsflow(["ecs", "teardown", "--pool", "cli-pool", "--yes", "--json"], env));
    expect(again.resources.every((e: { action: string }) => e.action === "absent")).toBe(true);
  });

  it("--no-task-events plans no task-events rule or queue", async () => {
    const plan = parseJson(await ecsflow(["ecs", "provision", "--pool", "cli-poll", "--no-task-events", "--dry-run", "--json"], env));
    const resources = plan.resources.map((e: { resource: string }) => e.resource);
    expect(resources).toContain("ECS service (worker)");
    expect(resources.filter((r: string) => /task events/.test(r))).toEqual([]);
  });
});
