import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const BIN = resolve(import.meta.dirname, "../../packages/cli/bin/ecsflow.js");

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** An empty ECSFLOW_HOME, so the developer's own profile never leaks into a test. */
export const emptyHome = (): string => mkdtempSync(join(tmpdir(), "ecsflow-cli-home-"));

/** The environment of a spawned command: nothing from the test's own environment but PATH. */
export function cliEnv(env: Record<string, string>): Record<string, string> {
  return { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", ECSFLOW_LOGGING_LEVEL: "warn", ...env };
}

/** Starts the built `ecsflow` command as a user runs it. */
export function spawnEcsflow(args: string[], env: Record<string, string>): ChildProcess & { result: Promise<CliResult> } {
  const child = spawn(process.execPath, [BIN, ...args], { env: cliEnv(env) });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (c) => (stdout += c));
  child.stderr.on("data", (c) => (stderr += c));
  const result = new Promise<CliResult>((done) => child.on("close", (code) => done({ code, stdout, stderr })));
  return Object.assign(child, { result });
}

/**
 * At most this many commands of one test file run at once: each start costs a CPU-second or
 * more, and the suite shares a loaded machine with other files' timing-sensitive tests.
 */
const MAX_CONCURRENT = 2;
let running = 0;
const waiting: (() => void)[] = [];

/** Runs the built `ecsflow` command to its end (tests may start several; they queue). */
export async function ecsflow(args: string[], env: Record<string, string>): Promise<CliResult> {
  if (running >= MAX_CONCURRENT) await new Promise<void>((go) => waiting.push(go));
  running++;
  try {
    return await spawnEcsflow(args, env).result;
  } finally {
    running--;
    waiting.shift()?.();
  }
}

/** Checks a command's result the way a script would: the exit code, then parses stdout as JSON. */
export function parseJson<T = any>(r: CliResult): T {
  try {
    return JSON.parse(r.stdout) as T;
  } catch {
    throw new Error(`stdout is not JSON (exit ${r.code}):\n${r.stdout}\nstderr:\n${r.stderr}`);
  }
}

/** No JavaScript stack frames: users get one plain message. */
export const STACK_FRAME = /\n\s+at .*[.:]\d+/;
