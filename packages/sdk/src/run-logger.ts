import type { LogBatcher } from "@ecsflow/client";

/** Python logging levels, which Prefect's log API and UI use. */
export const LOG_LEVELS = { debug: 10, info: 20, warning: 30, error: 40, critical: 50 } as const;
export type LogLevelName = keyof typeof LOG_LEVELS;

export interface RunLogger {
  debug(message: string): void;
  info(message: string): void;
  warning(message: string): void;
  /** Same as `warning` (JavaScript's spelling). */
  warn(message: string): void;
  error(message: string): void;
  critical(message: string): void;
}

export interface RunLoggerOptions {
  /** "prefect.flow_runs" or "prefect.task_runs", as Prefect names its run loggers. */
  name: string;
  /** Printed before each local line, e.g. "Flow run 'hello'". */
  label: string;
  flowRunId?: string;
  taskRunId?: string;
  batcher?: LogBatcher;
  /** Lines below this level are neither printed nor shipped. */
  minLevel?: number;
  /** Where local lines go (stderr by default, so a flow's stdout stays its own). */
  write?: (line: string) => void;
}

const defaultWrite = (line: string) => process.stderr.write(line);

/**
 * A run's logger: every line goes to the local console and, with an API, to the run's logs in
 * batches (the batcher bounds memory and never throws into the flow).
 */
export function createRunLogger(options: RunLoggerOptions): RunLogger {
  const write = options.write ?? defaultWrite;
  const minLevel = options.minLevel ?? LOG_LEVELS.info;
  const emit = (levelName: LogLevelName, message: string) => {
    const level = LOG_LEVELS[levelName];
    if (level < minLevel) return;
    const now = new Date();
    const text = String(message);
    write(`${now.toISOString().slice(11, 23)} | ${levelName.toUpperCase().padEnd(8)} | ${options.label} - ${text}\n`);
    options.batcher?.add({
      name: options.name,
      level,
      message: text,
      timestamp: now.toISOString(),
      flow_run_id: options.flowRunId ?? null,
      task_run_id: options.taskRunId ?? null,
    });
  };
  return {
    debug: (m) => emit("debug", m),
    info: (m) => emit("info", m),
    warning: (m) => emit("warning", m),
    warn: (m) => emit("warning", m),
    error: (m) => emit("error", m),
    critical: (m) => emit("critical", m),
  };
}
