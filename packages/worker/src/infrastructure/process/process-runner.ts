import { spawn, type ChildProcess } from "node:child_process";
import { hostname } from "node:os";
import { InfrastructureNotAvailableError, InfrastructureNotFoundError, SubmissionError } from "../../errors.js";
import { LineSplitter } from "./line-splitter.js";

export interface ProcessSpec {
  argv: string[];
  env: Record<string, string>;
  cwd?: string;
  streamOutput: boolean;
}

export interface ProcessExit {
  exitCode: number | null;
  signal: string | null;
}

/**
 * Runs commands as child processes, each the leader of its own process group so that a kill
 * reaches everything it started. Infrastructure ids are `<hostname>:<pid>` (Prefect's form), so a
 * worker on another host can tell the process is not its to kill.
 */
export class ProcessRunner {
  private readonly children = new Map<number, { child: ChildProcess; exited: Promise<ProcessExit> }>();
  readonly host = hostname();

  /** Resolves once the process has started (rejects with SubmissionError when it cannot). */
  async start(spec: ProcessSpec, onOutput: (line: string, stream: "stdout" | "stderr") => void): Promise<{ infrastructurePid: string; exited: Promise<ProcessExit> }> {
    const [file, ...args] = spec.argv;
    let child: ChildProcess;
    try {
      child = spawn(file, args, {
        env: spec.env,
        cwd: spec.cwd,
        detached: true,
        stdio: ["ignore", spec.streamOutput ? "pipe" : "ignore", spec.streamOutput ? "pipe" : "ignore"],
      });
    } catch (err) {
      throw new SubmissionError(`Could not start ${JSON.stringify(file)}: ${(err as Error).message}`, { cause: err });
    }
    await new Promise<void>((resolve, reject) => {
      child.once("spawn", resolve);
      child.once("error", (err: NodeJS.ErrnoException) => {
        if (child.pid !== undefined) return;
        const hint =
          err.code === "ENOENT"
            ? `command not found: ${JSON.stringify(file)}${spec.cwd ? ` (or the working directory ${spec.cwd} does not exist)` : ""}`
            : err.message;
        reject(new SubmissionError(`Could not start the process: ${hint}.`, { cause: err }));
      });
    });
    const pid = child.pid as number;
    const splitters: LineSplitter[] = [];
    for (const stream of ["stdout", "stderr"] as const) {
      const s = child[stream];
      if (!s) continue;
      const splitter = new LineSplitter((line) => onOutput(line, stream));
      splitters.push(splitter);
      s.setEncoding("utf8");
      s.on("data", (chunk: string) => splitter.push(chunk));
    }
    const exited = new Promise<ProcessExit>((resolve) => {
      child.once("close", (code, signal) => {
        splitters.forEach((s) => s.end());
        this.children.delete(pid);
        resolve({ exitCode: code, signal });
      });
    });
    this.children.set(pid, { child, exited });
    return { infrastructurePid: `${this.host}:${pid}`, exited };
  }

  /** SIGTERM to the process group, SIGKILL after the grace period; resolves when it is gone. */
  async kill(infrastructurePid: string, gracePeriodSeconds: number): Promise<void> {
    const m = /^(.*):(\d+)$/.exec(infrastructurePid);
    if (!m) throw new InfrastructureNotFoundError(`Not a process id: ${infrastructurePid}`, infrastructurePid);
    const [, host, pidText] = m;
    if (host !== this.host) {
      throw new InfrastructureNotAvailableError(`Process ${infrastructurePid} runs on host ${host}, not on this worker's host ${this.host}.`, infrastructurePid);
    }
    const pid = Number(pidText);
    const tracked = this.children.get(pid);
    if (!signalGroup(pid, "SIGTERM")) throw new InfrastructureNotFoundError(`Process ${infrastructurePid} is not running.`, infrastructurePid);
    // The leader's exit is not enough: its children share the group and must be gone too.
    const gone = (tracked ? tracked.exited : Promise.resolve()).then(() => waitForGroupExit(pid, gracePeriodSeconds * 1000));
    const inTime = await Promise.race([gone, delay(gracePeriodSeconds * 1000).then(() => false)]);
    if (!inTime) {
      signalGroup(pid, "SIGKILL");
      if (tracked) await tracked.exited;
      await waitForGroupExit(pid, 5000);
    }
  }

  /**
   * Resolves once a process this runner did not start (a predecessor worker's child) is gone. Its
   * exit code cannot be known: only a parent learns it. `stillThatRun` guards against pid reuse.
   */
  async watchForeign(infrastructurePid: string, stillThatRun: (pid: number) => Promise<boolean>, pollMs = 1000): Promise<void> {
    const pid = this.localPid(infrastructurePid);
    while (groupAlive(pid) && (await stillThatRun(pid))) await delay(pollMs);
  }

  /** The pid of an id of this host; throws for another host's (not ours) or a malformed id. */
  localPid(infrastructurePid: string): number {
    const m = /^(.*):(\d+)$/.exec(infrastructurePid);
    if (!m) throw new InfrastructureNotFoundError(`Not a process id: ${infrastructurePid}`, infrastructurePid);
    if (m[1] !== this.host) {
      throw new InfrastructureNotAvailableError(`Process ${infrastructurePid} runs on host ${m[1]}, not on this worker's host ${this.host}.`, infrastructurePid);
    }
    return Number(m[2]);
  }

  /** Processes still running (for shutdown reporting). */
  get running(): number {
    return this.children.size;
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    try {
      process.kill(pid, signal);
      return true;
    } catch {
      return false;
    }
  }
}

const delay = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref?.());

/** Polls until no process of the group is left (zombies awaiting their reaper count as gone). */
async function waitForGroupExit(pgid: number, timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (!groupAlive(pgid)) return true;
    if (Date.now() >= until) return false;
    await delay(25);
  }
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
  } catch {
    try {
      process.kill(pgid, 0);
    } catch {
      return false;
    }
  }
  return true;
}
