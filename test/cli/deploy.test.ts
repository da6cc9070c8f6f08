import { spawn } from "node:child_process";
import { createServer as createHttpServer, request as httpRequest } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../support/test-server.js";

// `ecsflow deploy` and `ecsflow init` as a user runs them: the built command in a child process,
// against a real server.

// The `ecsflow` package: its bin/, dist/ and examples/.
const ROOT = resolve(import.meta.dirname, "../../packages/cli");
const BIN = join(ROOT, "bin/ecsflow.js");

describe("ecsflow deploy and init", () => {
  let server: TestServer;
  let home: string;

  beforeAll(async () => {
    server = await startTestServer("sqlite");
    home = mkdtempSync(join(tmpdir(), "ecsflow-deploy-home-"));
    expect((await server.request("POST", "/work_pools/", { name: "local", type: "process" })).status).toBe(201);
  });
  afterAll(async () => server?.close());

  function cli(args: string[], cwd: string, extraEnv: Record<string, string> = {}) {
    return new Promise<{ code: number | null; stdout: string; stderr: string }>((res) => {
      const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { PATH: process.env.PATH ?? "", ECSFLOW_HOME: home, PREFECT_API_URL: server.apiUrl, ...extraEnv } });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d) => (stdout += d));
      child.stderr.on("data", (d) => (stderr += d));
      child.on("exit", (code) => res({ code, stdout, stderr }));
    });
  }

  function project(yaml: string): string {
    const dir = mkdtempSync(join(tmpdir(), "ecsflow-project-"));
    writeFileSync(join(dir, "ecsflow.yaml"), yaml);
    return dir;
  }

  const twoDeployments = (helloParams = "name: Ada") => `deployments:
  - name: hello-a
    entrypoint: examples/hello.ts:hello
    path: ${ROOT}
    tags: [demo]
    parameters:
      ${helloParams}
    work_pool:
      name: local
      job_variables:
        working_dir: ${ROOT}
    schedules:
      - cron: "0 9 * * 1-5"
        timezone: Europe/Paris
      - interval: 3600
        active: false
    concurrency_limit: 2
  - name: etl-a
    entrypoint: examples/etl.ts:etl
    path: ${ROOT}
    work_pool: { name: local }
`;

  it("registers flows and deployments with the flow's parameter schema, then reports what changed", async () => {
    const dir = project(twoDeployments());
    const first = await cli(["deploy", "--all"], dir);
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    expect(first.stdout).toContain("Created deployment 'hello/hello-a'");
    expect(first.stdout).toContain("Created deployment 'etl/etl-a'");
    const dep = (await server.request("GET", "/deployments/name/hello/hello-a")).body;
    expect(dep.entrypoint).toBe("examples/hello.ts:hello");
    expect(dep.path).toBe(ROOT);
    expect(dep.parameters).toEqual({ name: "Ada" });
    expect(dep.parameter_openapi_schema.properties.times).toMatchObject({ type: "integer", minimum: 1 });
    expect(dep.work_pool_name).toBe("local");
    expect(dep.tags).toEqual(["demo"]);
    expect(dep.concurrency_limit).toBe(2);
    expect(dep.schedules).toHaveLength(2);
    expect(dep.schedules.map((s: any) => s.active).sort()).toEqual([false, true]);

    const again = await cli(["deploy", "--all"], dir);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("Unchanged deployment 'hello/hello-a'");

    writeFileSync(join(dir, "ecsflow.yaml"), twoDeployments("name: Grace"));
    const changed = await cli(["deploy", "hello-a", "--json"], dir);
    expect(changed.code).toBe(0);
    expect(JSON.parse(changed.stdout)).toEqual([expect.objectContaining({ deployment: "hello/hello-a", action: "updated", changed: ["parameters"] })]);
  });

  it("names the file, the deployment and the field for problems found locally (exit 2) and changes nothing", async () => {
    const dir = project(`deployments:
  - name: broken
    entrypoint: examples/hello.ts
    work_pool: { job_variables: [1] }
    schedules:
      - cron: "0 9 * * *"
        interval: 60
    concurrency_limit: 0
    colour: blue
`);
    const r = await cli(["deploy", "--all"], dir);
    expect(r.code).toBe(2);
    for (const expected of [
      "ecsflow.yaml: deployment 'broken': entrypoint: must look like path/to/file.ts:exportedFlow",
      "deployment 'broken': work_pool.name: is required",
      "deployment 'broken': work_pool.job_variables: must be a mapping",
      "deployment 'broken': schedules[0]: needs exactly one of cron, interval or rrule",
      "deployment 'broken': concurrency_limit: must be a whole number of at least 1",
      "deployment 'broken': colour: unknown key",
    ])
      expect(r.stderr).toContain(expected);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect((await server.request("GET", "/deployments/name/hello/broken")).status).toBe(404);
  });

  it("checks entrypoints, parameters and job variables against the flow and the pool (exit 3), deploying nothing", async () => {
    const dir = project(`deployments:
  - name: ok-one
    entrypoint: examples/hello.ts:hello
    path: ${ROOT}
    work_pool: { name: local }
  - name: bad-params
    entrypoint: examples/hello.ts:hello
    path: ${ROOT}
    parameters: { times: "many" }
    work_pool: { name: local }
  - name: bad-vars
    entrypoint: examples/hello.ts:hello
    path: ${ROOT}
    work_pool: { name: local, job_variables: { stream_output: "loud" } }
  - name: bad-pool
    entrypoint: examples/hello.ts:hello
    path: ${ROOT}
    work_pool: { name: no-such-pool }
  - name: bad-export
    entrypoint: examples/hello.ts:goodbye
    path: ${ROOT}
    work_pool: { name: local }
`);
    const r = await cli(["deploy", "--all"], dir);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain("Nothing was deployed");
    expect(r.stderr).toContain("ecsflow.yaml: deployment 'bad-params': parameters.times: must be integer");
    expect(r.stderr).toContain("ecsflow.yaml: deployment 'bad-vars': work_pool.job_variables.stream_output:");
    expect(r.stderr).toContain("ecsflow.yaml: deployment 'bad-pool': work_pool.name: no work pool named 'no-such-pool'");
    expect(r.stderr).toContain("ecsflow.yaml: deployment 'bad-export': entrypoint: Entrypoint examples/hello.ts:goodbye: no export named 'goodbye'; its flows: hello");
    expect((await server.request("GET", "/deployments/name/hello/ok-one")).status).toBe(404);
  });

  it("surfaces the server's 422 naming the file, deployment and field (exit 3), and undoes what it had created", async () => {
    // The pool's template changes while deploy runs (another user tightens it between deploy's own
    // check and its write): the real server then refuses the second deployment with a 422. A
    // pass-through proxy in front of the real server makes that change at exactly that moment.
    expect((await server.request("POST", "/work_pools/", { name: "shifting", type: "process" })).status).toBe(201);
    const template = (await server.request("GET", "/work_pools/shifting")).body.base_job_template;
    const tightened = structuredClone(template);
    tightened.variables.properties.name.maxLength = 3;
    const upstream = new URL(server.apiUrl);
    let deploymentPosts = 0;
    const proxy = createHttpServer((req, res) => {
      void (async () => {
        if (req.method === "POST" && req.url === "/api/deployments/" && ++deploymentPosts === 2) {
          expect((await server.request("PATCH", "/work_pools/shifting", { base_job_template: tightened })).status).toBe(204);
        }
        const forward = httpRequest({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers }, (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        });
        req.pipe(forward);
      })();
    });
    await new Promise<void>((res) => proxy.listen(0, "127.0.0.1", res));
    try {
      const dir = project(`deployments:
  - name: first-ok
    entrypoint: examples/hello.ts:hello
    path: ${ROOT}
    work_pool: { name: shifting, job_variables: { name: "abc" } }
  - name: second-refused
    entrypoint: examples/hello.ts:hello
    path: ${ROOT}
    work_pool: { name: shifting, job_variables: { name: "too-long" } }
`);
      const r = await cli(["deploy", "--all"], dir, { PREFECT_API_URL: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}/api` });
      expect(deploymentPosts).toBe(2);
      expect(r.stderr).toContain("ecsflow.yaml: deployment 'second-refused': the server refused it:");
      expect(r.stderr).toMatch(/work_pool\.job_variables\.name: .*3 characters.*shifting/);
      expect(r.stderr).toContain("Nothing was deployed.");
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(r.code).toBe(3);
      // The first deployment, written before the refusal, was removed again; the second never was.
      expect((await server.request("GET", "/deployments/name/hello/first-ok")).status).toBe(404);
      expect((await server.request("GET", "/deployments/name/hello/second-refused")).status).toBe(404);
    } finally {
      await new Promise((res) => proxy.close(res));
    }
  });

  it("explains a missing file, unknown names, an ambiguous call and a missing API URL", async () => {
    const empty = mkdtempSync(join(tmpdir(), "ecsflow-empty-"));
    const noFile = await cli(["deploy", "--all"], empty);
    expect(noFile.code).toBe(2);
    expect(noFile.stderr).toMatch(/No ecsflow\.yaml.*ecsflow init/);
    const dir = project(twoDeployments());
    const unknown = await cli(["deploy", "nope"], dir);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("no deployment named 'nope'; it declares: hello-a, etl-a");
    const ambiguous = await cli(["deploy"], dir);
    expect(ambiguous.code).toBe(2);
    expect(ambiguous.stderr).toContain("name the ones to deploy, or pass --all");
    const noApi = await cli(["deploy", "--all"], dir, { PREFECT_API_URL: "" });
    expect(noApi.code).toBe(2);
    expect(noApi.stderr).toContain("PREFECT_API_URL");
  });

  it("init writes a commented ecsflow.yaml and an example flow that deploy as they are, and never overwrites", async () => {
    const base = join(ROOT, ".test-results");
    mkdirSync(base, { recursive: true });
    const dir = mkdtempSync(join(base, "init-"));
    const r = await cli(["init", "--pool", "local"], dir);
    expect(r.code).toBe(0);
    const yaml = readFileSync(join(dir, "ecsflow.yaml"), "utf8");
    expect(yaml).toMatch(/^# ecsflow\.yaml/);
    expect(yaml).toContain("entrypoint: flows/hello.ts:hello");
    expect(readFileSync(join(dir, "flows/hello.ts"), "utf8")).toContain('from "ecsflow"');
    const again = await cli(["init"], dir);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain("--force");
    const deployed = await cli(["deploy", "--all"], dir);
    expect(deployed.stderr).toBe("");
    expect(deployed.code).toBe(0);
    const dep = (await server.request("GET", "/deployments/name/hello/hello-local")).body;
    expect(dep.path).toBe(dir);
    expect(dep.parameter_openapi_schema.properties.name.type).toBe("string");
  });
});
