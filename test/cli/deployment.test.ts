import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EcsflowClient } from "../../packages/client/src/index.js";
import { ProcessInfrastructure, Worker } from "../../packages/worker/src/index.js";
import { startTestServer, type TestServer } from "../support/test-server.js";
import { ecsflow, emptyHome, parseJson, spawnEcsflow, STACK_FRAME } from "./run-ecsflow.js";
import { waitFor as waitUntil } from "../support/wait-for.js";

const waitFor = <T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 45_000) => waitUntil(what, fn, timeoutMs);


// `ecsflow deployment …` as a user runs it, against a real server.
describe("ecsflow deployment", () => {
  let server: TestServer;
  let env: Record<string, string>;
  let flowId: string;
  let deploymentId: string;

  beforeAll(async () => {
    server = await startTestServer("sqlite");
    env = { PREFECT_API_URL: server.apiUrl, ECSFLOW_HOME: emptyHome() };
    expect((await server.request("POST", "/work_pools/", { name: "dp", type: "process" })).status).toBe(201);
    flowId = (await server.request("POST", "/flows/", { name: "etl" })).body.id;
    const dep = await server.request("POST", "/deployments/", { name: "prod", flow_id: flowId, work_pool_name: "dp", parameters: { region: "eu", n: 1 }, job_variables: { command: "true" } });
    expect(dep.status).toBe(201);
    deploymentId = dep.body.id;
  });
  afterAll(async () => server?.close());

  /** The run a `deployment run --flow-run-name NAME` created, once it exists. */
  const runNamed = (name: string) =>
    waitFor(`run ${name}`, async () => (await server.request("POST", "/flow_runs/filter", { flow_runs: { name: { any_: [name] } } })).body[0] as { id: string } | undefined);
  const setState = (id: string, state: Record<string, unknown>) => server.request("POST", `/flow_runs/${id}/set_state`, { state });
  const log = (id: string, message: string, level = 20) => server.request("POST", "/logs/", [{ name: "flow", level, message, timestamp: new Date().toISOString(), flow_run_id: id }]);

  it("lists deployments as FLOW/DEPLOYMENT and inspects one by name or id", async () => {
    const [table, json, byName, byId] = await Promise.all([
      ecsflow(["deployment", "ls"], env),
      ecsflow(["deployment", "ls", "--flow", "etl", "--json"], env),
      ecsflow(["deployment", "inspect", "etl/prod"], env),
      ecsflow(["deployment", "inspect", deploymentId, "--json"], env),
    ]);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/etl\/prod\s+dp\s+default/);
    expect(parseJson<any[]>(json).map((d) => d.id)).toEqual([deploymentId]);
    expect(byName.code).toBe(0);
    expect(byName.stdout).toMatch(/work_pool_name: dp/);
    expect(parseJson(byId)).toMatchObject({ id: deploymentId, name: "prod", parameters: { region: "eu", n: 1 } });
  });

  it("runs a deployment with --param (JSON values) and --job-variable, without waiting", async () => {
    const r = await ecsflow(
      ["deployment", "run", "etl/prod", "--param", "n=3", "-p", "region=us", "--param", 'tags=["a","b"]', "--job-variable", "env={\"A\":\"1\"}", "--tag", "manual", "--json"],
      env,
    );
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const run = parseJson(r);
    expect(run).toMatchObject({ deployment_id: deploymentId, state_type: "SCHEDULED", parameters: { region: "us", n: 3, tags: ["a", "b"] }, job_variables: { env: { A: "1" } } });
    expect(run.tags).toContain("manual");
    const human = await ecsflow(["deployment", "run", deploymentId], env);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/Created flow run '.+' \(.+\) of deployment ".+": Scheduled/);
    expect(human.stdout).toMatch(/ecsflow flow-run logs .+ --follow/);
  });

  it("refuses a bad --param or --job-variable before creating anything (exit 2, naming the flag and KEY=VALUE)", async () => {
    const before = (await server.request("POST", "/flow_runs/count", {})).body;
    const [noEq, emptyKey, badJson, badParams] = await Promise.all([
      ecsflow(["deployment", "run", "etl/prod", "--param", "region"], env),
      ecsflow(["deployment", "run", "etl/prod", "--job-variable", "=3"], env),
      ecsflow(["deployment", "run", "etl/prod", "--param", 'x={"a":'], env),
      ecsflow(["deployment", "run", "etl/prod", "--params", "[1]"], env),
    ]);
    expect(noEq.code).toBe(2);
    expect(noEq.stderr).toMatch(/--param "region" is not in the form KEY=VALUE/);
    expect(emptyKey.code).toBe(2);
    expect(emptyKey.stderr).toMatch(/--job-variable "=3" is not in the form KEY=VALUE/);
    expect(badJson.code).toBe(2);
    expect(badJson.stderr).toMatch(/--param x: .* is not valid JSON/);
    expect(badParams.code).toBe(2);
    expect(badParams.stderr).toMatch(/--params must be a JSON object/);
    expect((await server.request("POST", "/flow_runs/count", {})).body).toBe(before);
  });

  it("names an unknown deployment (exit 3) and explains a name without FLOW/ (exit 2)", async () => {
    const [unknown, unknownId, noSlash, rejected] = await Promise.all([
      ecsflow(["deployment", "run", "etl/nope"], env),
      ecsflow(["deployment", "inspect", "0190f2a4-1111-7000-8000-000000000000", "--json"], env),
      ecsflow(["deployment", "pause", "prod"], env),
      ecsflow(["deployment", "run", "etl/prod", "--job-variable", "command=5"], env),
    ]);
    expect(unknown.code).toBe(3);
    expect(unknown.stderr).toMatch(/Deployment "etl\/nope" not found\. Run `ecsflow deployment ls`/);
    expect(unknownId.code).toBe(3);
    expect(unknownId.stdout).toBe("");
    expect(unknownId.stderr).toMatch(/Deployment 0190f2a4-1111-7000-8000-000000000000 not found/);
    expect(noSlash.code).toBe(2);
    expect(noSlash.stderr).toMatch(/give it as FLOW\/DEPLOYMENT/);
    // The server checks job variables against the pool's schema and says which one is wrong.
    expect(rejected.code).toBe(3);
    expect(rejected.stderr).toMatch(/422: .*command/);
    for (const r of [unknown, unknownId, noSlash, rejected]) expect(r.stderr).not.toMatch(STACK_FRAME);
  });

  it("--watch shows states and logs live and exits 0 when a real worker completes the run", async () => {
    const client = new EcsflowClient({ apiUrl: server.apiUrl });
    const hostEnv = { PATH: process.env.PATH };
    const worker = Worker.create({
      client,
      infrastructure: new ProcessInfrastructure({ baseEnv: hostEnv }),
      logger: pino({ level: "silent" }),
      workPoolName: "dp",
      hostEnv,
      pollIntervalSeconds: 0.2,
      prefetchSeconds: 0,
    });
    const running = worker.run();
    try {
      const r = await ecsflow(["deployment", "run", "etl/prod", "--watch", "--job-variable", "command=sh -c 'echo watched-output'"], env);
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/watching it/);
      // A plain command reports no RUNNING of its own: the worker takes it from PENDING to COMPLETED.
      expect(r.stdout).toMatch(/is Scheduled \(SCHEDULED\)\n.*is Pending \(PENDING\)\n(.*\n)*.*\| INFO +\| watched-output\n/);
      expect(r.stdout).toMatch(/is Completed \(COMPLETED\): The command exited with code 0/);
      expect(r.stdout).toMatch(/completed\.\n$/);
    } finally {
      worker.shutdown();
      await running;
    }
  });

  it("--watch --json exits 5 when the run ends CRASHED, with progress on stderr and the final run on stdout", async () => {
    const child = spawnEcsflow(["deployment", "run", "etl/prod", "--watch", "--json", "--flow-run-name", "crash-me"], env);
    const run = await runNamed("crash-me");
    expect((await setState(run.id, { type: "PENDING" })).body.status).toBe("ACCEPT");
    expect((await setState(run.id, { type: "RUNNING" })).body.status).toBe("ACCEPT");
    await log(run.id, "about to crash", 40);
    expect((await setState(run.id, { type: "CRASHED", message: "Process exited with code 137 (killed)" })).body.status).toBe("ACCEPT");
    const r = await child.result;
    expect(r.code).toBe(5);
    expect(parseJson(r)).toMatchObject({ id: run.id, state_type: "CRASHED" });
    // Every state in order, even those entered between two polls, with the log line where it belongs.
    expect(r.stderr).toMatch(/is Pending \(PENDING\)\n.*is Running \(RUNNING\)\n(.*\n)*.*\| ERROR +\| about to crash\n/);
    expect(r.stderr).toMatch(/is Crashed \(CRASHED\): Process exited with code 137/);
    expect(r.stderr).toMatch(/Flow run 'crash-me' \(.+\) ended CRASHED: Process exited with code 137/);
    expect(r.stderr).not.toMatch(STACK_FRAME);
  });

  it("--watch exits 0 on a run driven to COMPLETED through the API", async () => {
    const child = spawnEcsflow(["deployment", "run", "etl/prod", "--watch", "--flow-run-name", "complete-me"], env);
    const run = await runNamed("complete-me");
    await setState(run.id, { type: "PENDING" });
    await setState(run.id, { type: "RUNNING" });
    await log(run.id, "working");
    await setState(run.id, { type: "COMPLETED" });
    const r = await child.result;
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\| working/);
    expect(r.stdout).toMatch(/Flow run 'complete-me' completed/);
  });

  it("--watch-timeout stops watching a run nobody takes with exit 5; the run stays SCHEDULED", async () => {
    const r = await ecsflow(["deployment", "run", "etl/prod", "--watch", "--watch-timeout", "1", "--flow-run-name", "nobody-takes-me"], env);
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/Stopped watching flow run 'nobody-takes-me' .* at the timeout; it is still SCHEDULED and keeps going/);
    const run = await runNamed("nobody-takes-me");
    expect((await server.request("GET", `/flow_runs/${run.id}`)).body.state_type).toBe("SCHEDULED");
  });

  it("pauses, resumes and deletes a deployment", async () => {
    const dep = await server.request("POST", "/deployments/", { name: "temp", flow_id: flowId, work_pool_name: "dp" });
    const paused = await ecsflow(["deployment", "pause", "etl/temp", "--json"], env);
    expect(paused.code).toBe(0);
    expect(parseJson(paused)).toMatchObject({ id: dep.body.id, paused: true });
    const resumed = await ecsflow(["deployment", "resume", "etl/temp"], env);
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toMatch(/Resumed deployment "etl\/temp"/);
    expect((await server.request("GET", `/deployments/${dep.body.id}`)).body.paused).toBe(false);
    const deleted = await ecsflow(["deployment", "delete", "etl/temp", "--json"], env);
    expect(deleted.code).toBe(0);
    expect(parseJson(deleted)).toEqual({ deleted: "deployment", id: dep.body.id, name: "etl/temp" });
    expect((await server.request("GET", `/deployments/${dep.body.id}`)).status).toBe(404);
  });
});
