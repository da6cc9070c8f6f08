import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import pg from "pg";

export const REPO = resolve(import.meta.dirname, "../..");
export const PG_URL = process.env.ECSFLOW_TEST_PG_URL ?? "postgresql://postgres@127.0.0.1:5432/test";

export interface SpawnedServer {
  apiUrl: string;
  pid: number;
  /** Resident memory now and at peak, in MB (Linux /proc). */
  rssMb(): { now: number; peak: number };
  stop(): Promise<void>;
}

/** A scratch database of either engine; PostgreSQL gets its own database, dropped afterwards. */
export async function scratchDatabase(engine: "sqlite" | "postgresql"): Promise<{ url: string; drop(): Promise<void> }> {
  if (engine === "sqlite") {
    const dir = mkdtempSync(join(tmpdir(), "ecsflow-bench-"));
    return { url: `sqlite://${join(dir, "bench.db")}`, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const name = `ecsflow_bench_${process.pid}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  return {
    url: PG_URL.replace(/\/[^/?]+(\?|$)/, `/${name}$1`),
    async drop() {
      const a = new pg.Client({ connectionString: PG_URL });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await a.end();
    },
  };
}

/** Runs `ecsflow server start` as users do, in its own process, so its memory is its own. */
export async function spawnServer(databaseUrl: string, extraEnv: Record<string, string> = {}): Promise<SpawnedServer> {
  const child: ChildProcess = spawn(process.execPath, [join(REPO, "packages/cli/bin/ecsflow.js"), "server", "start", "--port", "0", "--database-url", databaseUrl], {
    env: { ...process.env, ECSFLOW_LOGGING_LEVEL: "warn", ...extraEnv },
    stdio: ["ignore", "ignore", "pipe"],
  });
  const apiUrl = await new Promise<string>((resolveUrl, reject) => {
    let err = "";
    child.stderr!.setEncoding("utf8");
    child.stderr!.on("data", (chunk: string) => {
      err += chunk;
      const m = /API at (http:\/\/\S+\/api)/.exec(err);
      if (m) resolveUrl(m[1]);
    });
    child.once("exit", (code) => reject(new Error(`server exited with ${code}: ${err}`)));
  });
  const readKb = (key: string) => {
    const m = new RegExp(`${key}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${child.pid}/status`, "utf8"));
    return m ? Number(m[1]) / 1024 : NaN;
  };
  return {
    apiUrl,
    pid: child.pid!,
    rssMb: () => ({ now: readKb("VmRSS"), peak: readKb("VmHWM") }),
    stop: () =>
      new Promise<void>((r) => {
        if (child.exitCode !== null) return r();
        child.once("exit", () => r());
        child.kill("SIGTERM");
      }),
  };
}

/** JSON over fetch, throwing on non-2xx with the body in the message. */
export async function api<T = any>(apiUrl: string, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${apiUrl}${path}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${text.slice(0, 300)}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

/** Runs `count` jobs with `concurrency` workers pulling from a shared counter. */
export async function pool(count: number, concurrency: number, job: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await job(next++);
    }),
  );
}
