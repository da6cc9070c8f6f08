import type { Logger } from "pino";
import type { EcsflowCapabilities } from "@ecsflow/schemas";
import type { RunRegistry } from "./run-registry.js";
import type { CompiledWorkerOptions } from "./worker-options.js";

export interface WorkPoolInfo {
  id: string;
  name: string;
  type: string;
  base_job_template: Record<string, unknown>;
}

/**
 * What the worker's parts (submission, adoption, cancellation, reporting) share: its options and
 * logger, the runs it holds, and views of the lifecycle state the Worker owns.
 */
export interface WorkerContext {
  readonly options: CompiledWorkerOptions;
  readonly logger: Logger;
  readonly runs: RunRegistry;
  /** ecsflow's extensions when the server has them; null against a plain Prefect server. */
  capabilities(): EcsflowCapabilities | null;
  /** The work pool as last read (set by setup, before any part runs). */
  pool(): WorkPoolInfo;
  /** Whether the worker is still starting or running (not stopping). */
  isActive(): boolean;
  /** Starts a poll now instead of at the next tick. */
  wake(): void;
}
