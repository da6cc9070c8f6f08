import { defaultBaseJobTemplateFor } from "@ecsflow/schemas";
import { InfrastructureNotFoundError } from "../../errors.js";
import type { Infrastructure, InfrastructureJob, InfrastructureResult, StartedInfrastructure } from "../infrastructure.js";
import { findRunProcesses, flowRunIdOf } from "./find-run-processes.js";
import { parseCommand } from "./parse-command.js";
import { ProcessRunner } from "./process-runner.js";

export interface ProcessInfrastructureOptions {
  /** Environment every run starts from (the worker's own); the rendered `env` is laid over it. */
  baseEnv: Readonly<Record<string, string | undefined>>;
  /**
   * How to run `ecsflow` itself: a command whose first word is `ecsflow` runs the same ecsflow
   * installation as the worker (e.g. [process.execPath, "/path/to/bin/ecsflow.js"]), so runs do not
   * depend on what is on PATH.
   */
  ecsflowCommand?: string[];
}

/** Each flow run is a child process on the worker's host. */
export class ProcessInfrastructure implements Infrastructure {
  readonly type = "process";
  readonly defaultBaseJobTemplate = defaultBaseJobTemplateFor("process") as unknown as Record<string, unknown>;
  private readonly runner = new ProcessRunner();

  constructor(private readonly options: ProcessInfrastructureOptions) {}

  async setup(): Promise<void> {}

  async run(job: InfrastructureJob): Promise<InfrastructureResult> {
    const c = job.configuration;
    let argv = parseCommand(c.command);
    if (argv[0] === "ecsflow" && this.options.ecsflowCommand) argv = [...this.options.ecsflowCommand, ...argv.slice(1)];
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(this.options.baseEnv)) if (v !== undefined) env[k] = v;
    for (const [k, v] of Object.entries((c.env ?? {}) as Record<string, unknown>)) {
      if (v === null || v === undefined) delete env[k];
      else env[k] = String(v);
    }
    const cwd = typeof c.working_dir === "string" && c.working_dir !== "" ? c.working_dir : undefined;
    const { infrastructurePid, exited } = await this.runner.start({ argv, env, cwd, streamOutput: c.stream_output !== false }, (line, stream) =>
      job.onOutput(line, stream),
    );
    try {
      await job.onStarted(infrastructurePid);
    } catch (err) {
      // The process runs on; the worker still watches it and reports its end.
      job.logger.warn({ err, infrastructurePid }, "could not record the process id");
    }
    // A spawned process is running from the start.
    job.onRunning?.();
    const exit = await exited;
    return { exitCode: exit.exitCode, signal: exit.signal };
  }

  /**
   * After a worker restart: the run's process, started by the predecessor, is watched until it is
   * gone. Its exit code died with the predecessor (only a parent learns it), so the result says so:
   * a run that reported its own final state keeps it, any other ends CRASHED with that explanation.
   */
  async adopt(job: InfrastructureJob, infrastructurePid: string | null): Promise<InfrastructureResult> {
    const runId = job.flowRun.id;
    let pid = infrastructurePid;
    if (!pid) {
      const found = (await findRunProcesses()).find((p) => p.flowRunId === runId);
      if (!found) throw new InfrastructureNotFoundError(`No process of flow run ${runId} runs on ${this.runner.host}.`, `${this.runner.host}:?`);
      pid = `${this.runner.host}:${found.pid}`;
      await job.onStarted(pid);
    }
    const local = this.runner.localPid(pid);
    // Unreadable (not Linux) counts as that run; a readable environment of another run is pid reuse.
    const isThatRun = async (p: number) => {
      const id = await flowRunIdOf(p);
      return id === null || id === runId;
    };
    if (!(await isThatRun(local)) || !(await this.alive(local))) {
      throw new InfrastructureNotFoundError(`Process ${pid} of flow run ${runId} is no longer running.`, pid);
    }
    job.onRunning?.();
    await this.runner.watchForeign(pid, isThatRun);
    return {
      exitCode: null,
      reason: `Process ${pid} ended while no worker was watching it (the worker that started it had stopped), so its exit code is unknown.`,
    };
  }

  /** This host's processes of flow runs (any pool's: the worker keeps its own pool's runs). */
  async listStarted(): Promise<StartedInfrastructure[]> {
    return (await findRunProcesses()).map((p) => ({ flowRunId: p.flowRunId, infrastructurePid: `${this.runner.host}:${p.pid}`, running: true }));
  }

  private async alive(pid: number): Promise<boolean> {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  }

  kill(infrastructurePid: string, _configuration: Record<string, unknown>, gracePeriodSeconds: number): Promise<void> {
    return this.runner.kill(infrastructurePid, gracePeriodSeconds);
  }

  async teardown(): Promise<void> {}
}
