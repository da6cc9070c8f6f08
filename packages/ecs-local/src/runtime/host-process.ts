import { spawn, type ChildProcess } from "node:child_process";
import { constants } from "node:os";
import { createInterface } from "node:readline";

export interface HostProcessSpec {
  argv: string[];
  cwd: string;
  env: Record<string, string>;
  /** Each line of stdout/stderr; when absent, output is discarded. */
  onLine?: (line: string, stream: "stdout" | "stderr") => void;
}

export interface ProcessExit {
  /** Docker's convention: the exit status, or 128 + the signal number when killed by a signal. */
  exitCode: number;
  signal?: NodeJS.Signals;
}

/**
 * One container as a host process. It gets its own process group, so signals reach whatever it
 * starts (a `sh -c` child, say), and when the main process exits the rest of its group is killed,
 * as a container's processes die with its PID 1.
 */
export class HostProcess {
  readonly exited: Promise<ProcessExit>;
  private done = false;

  private constructor(private readonly child: ChildProcess) {
    this.exited = new Promise((resolve) => {
      child.once("exit", () => {
        this.done = true;
        this.signalGroup("SIGKILL");
      });
      // "close" waits for stdout/stderr to drain, so every log line is in before the exit is reported.
      child.once("close", (code, signal) => {
        this.done = true;
        resolve({ exitCode: code ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 0), signal: signal ?? undefined });
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Starts the process; rejects (ENOENT, EACCES, a missing cwd, …) when it cannot be started. */
  static start(spec: HostProcessSpec): Promise<HostProcess> {
    const [file, ...args] = spec.argv;
    const capture = spec.onLine !== undefined;
    const child = spawn(file, args, { cwd: spec.cwd, env: spec.env, detached: true, stdio: ["ignore", capture ? "pipe" : "ignore", capture ? "pipe" : "ignore"] });
    return new Promise((resolve, reject) => {
      child.once("error", reject);
      child.once("spawn", () => {
        child.removeListener("error", reject);
        // Errors after a successful spawn (e.g. a failed kill) must not crash the server.
        child.on("error", () => undefined);
        if (spec.onLine) {
          for (const stream of ["stdout", "stderr"] as const) {
            const source = child[stream];
            if (source) createInterface({ input: source, crlfDelay: Infinity }).on("line", (line) => spec.onLine!(line, stream));
          }
        }
        resolve(new HostProcess(child));
      });
    });
  }

  /** Signals the whole process group; ignored once the process has exited. */
  signal(signal: NodeJS.Signals): void {
    if (this.done) return;
    this.signalGroup(signal);
  }

  private signalGroup(signal: NodeJS.Signals): void {
    const pid = this.child.pid;
    if (pid === undefined) return;
    try {
      process.kill(-pid, signal);
    } catch {
      // The group is already gone.
    }
  }
}
