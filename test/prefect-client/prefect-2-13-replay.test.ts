import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ENGINES } from "../support/test-database.js";
import { startTestServer, type TestServer } from "../support/test-server.js";

// Prefect 2.13's client, replayed by a real third-party HTTP client (httpx, as Prefect uses)
// with the bodies pydantic gives it, nulls included. Debian's python3 carries httpx; the
// pyenv python3 on PATH does not, so the interpreter is named by its path.

const run = promisify(execFile);
const PYTHON = "/usr/bin/python3";
const SCRIPT = join(import.meta.dirname, "replay_prefect_2_13.py");

async function httpxAvailable(): Promise<boolean> {
  if (!existsSync(PYTHON)) return false;
  try {
    await run(PYTHON, ["-c", "import httpx"]);
    return true;
  } catch {
    return false;
  }
}
const pythonReady = await httpxAvailable();
const pythonSkip = pythonReady ? "" : "(skipped: /usr/bin/python3 cannot import httpx; apt-get install -y python3-httpx)";

describe.each(ENGINES)("Prefect 2.13 client replay on $engine", ({ engine, available, skipReason }) => {
  const ready = available && pythonReady;
  const reason = pythonSkip || skipReason;
  let server: TestServer;
  beforeAll(async () => {
    if (ready) server = await startTestServer(engine);
  });
  afterAll(async () => server?.close());

  it.skipIf(!ready)(`a process worker's run and a @flow with a retried task both end COMPLETED ${reason}`, async () => {
    let stdout: string;
    try {
      ({ stdout } = await run(PYTHON, [SCRIPT, server.apiUrl], { timeout: 60_000 }));
    } catch (error) {
      const e = error as { code?: number; stdout?: string; stderr?: string };
      throw new Error(`the replay exited ${e.code}:\n${e.stdout ?? ""}\n${e.stderr ?? ""}`);
    }
    const ids = JSON.parse(stdout.trim().split("\n").pop()!) as { deployment_run: string; flow_run: string };
    for (const id of [ids.deployment_run, ids.flow_run]) {
      const r = await server.request("GET", `/flow_runs/${id}`);
      expect(r.status).toBe(200);
      expect(r.body.state.type).toBe("COMPLETED");
    }
    const tasks = await server.request("POST", "/task_runs/filter", { flow_runs: { id: { any_: [ids.flow_run] } } });
    expect(tasks.body.map((t: { state: { type: string } }) => t.state.type)).toEqual(["COMPLETED", "COMPLETED"]);
    const flaky = tasks.body.find((t: { name: string }) => t.name === "flaky-0");
    expect(flaky.run_count).toBe(2);
  });
});
