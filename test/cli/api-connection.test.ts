import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../support/test-server.js";
import { ecsflow, emptyHome, parseJson, STACK_FRAME } from "./run-ecsflow.js";

const DOWN = "http://127.0.0.1:59997/api";

// Where the API commands find the server, as Prefect users expect: --api-url > environment > profile.
describe("ecsflow API commands: connection settings", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer("sqlite", { auth: { apiKey: "sekret-key" } });
    const r = await server.request("POST", "/work_pools/", { name: "conn-pool", type: "process" }, { authorization: "Bearer sekret-key" });
    expect(r.status).toBe(201);
  });
  afterAll(async () => server?.close());

  it("reads the URL from the profile file (ecsflow config set api.url) and the key from PREFECT_API_KEY", async () => {
    const home = emptyHome();
    const set = await ecsflow(["config", "set", "api.url", server.apiUrl], { ECSFLOW_HOME: home });
    expect(set.code).toBe(0);
    const r = await ecsflow(["work-pool", "ls", "--json"], { ECSFLOW_HOME: home, PREFECT_API_KEY: "sekret-key" });
    expect(r.code).toBe(0);
    expect(parseJson<any[]>(r).map((p) => p.name)).toEqual(["conn-pool"]);
  });

  it("prefers --api-url over PREFECT_API_URL, and PREFECT_API_URL over the profile", async () => {
    const home = emptyHome();
    mkdirSync(home, { recursive: true });
    writeFileSync(join(home, "config.json"), JSON.stringify({ "api.url": DOWN }));
    const [flag, envVar] = await Promise.all([
      ecsflow(["flow", "ls", "--api-url", server.apiUrl, "--json"], { ECSFLOW_HOME: home, PREFECT_API_URL: DOWN, PREFECT_API_KEY: "sekret-key" }),
      ecsflow(["flow", "ls", "--json"], { ECSFLOW_HOME: home, PREFECT_API_URL: server.apiUrl, PREFECT_API_KEY: "sekret-key" }),
    ]);
    expect(flag.code).toBe(0);
    expect(parseJson(flag)).toEqual([]);
    expect(envVar.code).toBe(0);
  });

  it("says what to set when there is no URL (exit 2), when the key is wrong (exit 3) and when the API is unreachable (exit 4), never echoing the key", async () => {
    const [none, badUrl, refused, down] = await Promise.all([
      ecsflow(["deployment", "ls"], { ECSFLOW_HOME: emptyHome() }),
      ecsflow(["deployment", "ls", "--api-url", "127.0.0.1:4200/api"], { ECSFLOW_HOME: emptyHome() }),
      ecsflow(["work-pool", "ls"], { ECSFLOW_HOME: emptyHome(), PREFECT_API_URL: server.apiUrl, PREFECT_API_KEY: "wrong-key" }),
      ecsflow(["flow-run", "ls", "--json"], { ECSFLOW_HOME: emptyHome(), PREFECT_API_URL: DOWN, PREFECT_API_KEY: "wrong-key" }),
    ]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/No API URL: set PREFECT_API_URL .*--api-url.*ecsflow config set api\.url/);
    expect(badUrl.code).toBe(2);
    expect(badUrl.stderr).toMatch(/must start with http:\/\/ or https:\/\//);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/was refused \(401\): check the API key/);
    expect(down.code).toBe(4);
    expect(down.stdout).toBe("");
    expect(down.stderr).toMatch(/Cannot reach the API at http:\/\/127\.0\.0\.1:59997\/api/);
    for (const r of [none, badUrl, refused, down]) {
      expect(r.stderr).not.toMatch(STACK_FRAME);
      expect(r.stderr + r.stdout).not.toContain("wrong-key");
    }
  });

  it("exits 4 when the API is unreachable, for every noun", async () => {
    const env = { ECSFLOW_HOME: emptyHome(), PREFECT_API_URL: DOWN };
    const results = await Promise.all([
      ecsflow(["work-queue", "ls", "--pool", "p"], env),
      ecsflow(["deployment", "run", "f/d", "--watch"], env),
      ecsflow(["worker", "ls"], env),
      ecsflow(["work-pool", "inspect", "p", "--json"], env),
    ]);
    for (const r of results) {
      expect(r.code).toBe(4);
      expect(r.stderr).toMatch(/Cannot reach the API/);
      expect(r.stderr).not.toMatch(STACK_FRAME);
    }
  });
});
