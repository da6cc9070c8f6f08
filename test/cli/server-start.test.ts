import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import pgModule from "pg";
import { describe, expect, it } from "vitest";
import { ENGINES, PG_URL } from "../support/test-database.js";

const { Client } = pgModule;
const pg = ENGINES.find((e) => e.engine === "postgresql")!;

const BIN = resolve(import.meta.dirname, "../../packages/cli/bin/ecsflow.js");

/** Starts `ecsflow server start` on a free port; resolves with its API URL once it listens. */
function startServer(args: string[], env: Record<string, string>): Promise<{ child: ChildProcess; apiUrl: string; stderr: () => string }> {
  const child = spawn(process.execPath, [BIN, "server", "start", "--port", "0", ...args], {
    env: { PATH: process.env.PATH ?? "", ECSFLOW_LOGGING_LEVEL: "info", ...env },
  });
  let stderr = "";
  let stdout = "";
  child.stdout!.on("data", (c) => (stdout += c));
  return new Promise((done, fail) => {
    child.stderr!.on("data", (c) => {
      stderr += c;
      const m = /API at (http:\/\/\S+\/api)/.exec(stderr);
      if (m) done({ child, apiUrl: m[1], stderr: () => stderr + stdout });
    });
    child.once("exit", (code) => fail(new Error(`server exited ${code}: ${stderr}`)));
  });
}

const exitOf = (child: ChildProcess) => new Promise<number | null>((r) => child.once("exit", (code) => r(code)));

describe("ecsflow server start", () => {
  it("serves on loopback with a SQLite file under ECSFLOW_HOME and stops cleanly on SIGTERM", async () => {
    const home = mkdtempSync(join(tmpdir(), "ecsflow-home-"));
    const { child, apiUrl } = await startServer([], { ECSFLOW_HOME: home });
    expect(apiUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api$/);
    expect(await (await fetch(`${apiUrl}/health`)).json()).toBe(true);
    expect(existsSync(join(home, "ecsflow.db"))).toBe(true);
    const exited = exitOf(child);
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
  });

  it("requires the API key given with --api-key and never logs it", async () => {
    const home = mkdtempSync(join(tmpdir(), "ecsflow-home-"));
    const key = "pnu_cli_secret_key_123";
    const { child, apiUrl, stderr } = await startServer(["--api-key", key], { ECSFLOW_HOME: home });
    expect((await fetch(`${apiUrl}/admin/version`)).status).toBe(401);
    expect((await fetch(`${apiUrl}/admin/version`, { headers: { authorization: `Bearer ${key}` } })).status).toBe(200);
    expect((await fetch(`${apiUrl}/admin/version`, { headers: { authorization: "Bearer wrong" } })).status).toBe(401);
    const exited = exitOf(child);
    child.kill("SIGTERM");
    await exited;
    expect(stderr()).not.toContain(key);
  });

  it.skipIf(!pg.available)(`runs on PostgreSQL from ECSFLOW_DATABASE_URL ${pg.skipReason}`, async () => {
    // A database of its own, so the server's migrations touch nothing shared.
    const name = `ecsflow_cli_${process.pid}_${Date.now()}`;
    const admin = new Client({ connectionString: PG_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    try {
      const url = PG_URL.replace(/\/[^/?]+(\?|$)/, `/${name}$1`);
      const { child, apiUrl } = await startServer([], { ECSFLOW_HOME: mkdtempSync(join(tmpdir(), "ecsflow-home-")), ECSFLOW_DATABASE_URL: url });
      const r = await fetch(`${apiUrl}/flows/`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name: "on-pg" }) });
      expect(r.status).toBe(201);
      const exited = exitOf(child);
      child.kill("SIGTERM");
      expect(await exited).toBe(0);
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    }
  });

  it("explains a bad database URL and a bad port without a stack trace (exit 2)", async () => {
    const run = (args: string[]) =>
      new Promise<{ code: number | null; stderr: string }>((done) => {
        const c = spawn(process.execPath, [BIN, "server", "start", ...args], { env: { PATH: process.env.PATH ?? "", ECSFLOW_HOME: mkdtempSync(join(tmpdir(), "ecsflow-home-")) } });
        let stderr = "";
        c.stderr.on("data", (d) => (stderr += d));
        c.on("close", (code) => done({ code, stderr }));
      });
    const db = await run(["--database-url", "mysql://root@localhost/x"]);
    expect(db.code).toBe(2);
    expect(db.stderr).toMatch(/Unsupported database URL scheme "mysql:"/);
    const port = await run(["--port", "http"]);
    expect(port.code).toBe(2);
    expect(port.stderr).toMatch(/--port must be a port number/);
    expect(db.stderr + port.stderr).not.toMatch(/\n\s+at /);
  });
});
