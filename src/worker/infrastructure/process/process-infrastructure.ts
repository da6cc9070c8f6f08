import { defaultBaseJobTemplateFor } from "../../../schemas/index.js";
import type { Infrastructure, InfrastructureJob, InfrastructureResult } from "../infrastructure.js";
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

  kill(infrastructurePid: string, _configuration: Record<string, unknown>, gracePeriodSeconds: number): Promise<void> {
    return this.runner.kill(infrastructurePid, gracePeriodSeconds);
  }

  async teardown(): Promise<void> {}
}
