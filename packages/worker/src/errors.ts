// Errors of the worker module: those infrastructures throw (only worker.ts turns them into
// flow-run states) and template rendering's. Each has a fixed `name`, a stable `code` and typed
// fields.
import { definedError, type TemplateError } from "@ecsflow/schemas";

/** The infrastructure named by an infrastructure id does not exist (any more). */
export class InfrastructureNotFoundError extends definedError("InfrastructureNotFoundError", "INFRASTRUCTURE_NOT_FOUND") {
  constructor(
    message: string,
    readonly infrastructurePid: string,
  ) {
    super(message);
  }
}

/** This worker cannot act on that infrastructure (another host's process, another cluster). */
export class InfrastructureNotAvailableError extends definedError("InfrastructureNotAvailableError", "INFRASTRUCTURE_NOT_AVAILABLE") {
  constructor(
    message: string,
    readonly infrastructurePid: string,
  ) {
    super(message);
  }
}

/** Starting the infrastructure failed; `message` says what to fix. */
export class SubmissionError extends definedError("SubmissionError", "SUBMISSION_FAILED") {}

// `instanceof` holds across two copies of this package (a Symbol.for brand, as Temporal's SDK does).
const RENDER_ERROR_BRAND = Symbol.for("ecsflow.worker.JobTemplateRenderError");

export type JobTemplateRenderErrorCode =
  /** The work pool's base job template is malformed (fix the work pool). */
  | "INVALID_BASE_JOB_TEMPLATE"
  /** The merged job variables do not satisfy the pool's variables schema (fix the variable named). */
  | "INVALID_JOB_VARIABLES"
  /** A `{{ prefect.blocks.… }}` or `{{ prefect.variables.… }}` placeholder, which ecsflow does not resolve. */
  | "UNSUPPORTED_PLACEHOLDER"
  /** A field the worker relies on (`env`, `labels`, `name`, `command`) rendered to the wrong type. */
  | "INVALID_JOB_CONFIGURATION";

/**
 * Rendering a flow run's job configuration failed. The message says what to fix and where (which
 * variable, set by which layer); the worker puts it in the CRASHED state's message.
 */
export class JobTemplateRenderError extends Error {
  override readonly name = "JobTemplateRenderError";
  readonly code: JobTemplateRenderErrorCode;
  /** The job variable at fault (first one, when several are), if one is. */
  readonly variable: string | undefined;
  /** Every problem found, `loc` relative to the job variables or to the template. */
  readonly errors: TemplateError[];

  constructor(code: JobTemplateRenderErrorCode, message: string, options: { variable?: string; errors?: TemplateError[]; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.variable = options.variable;
    this.errors = options.errors ?? [];
    Object.defineProperty(this, RENDER_ERROR_BRAND, { value: true });
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[RENDER_ERROR_BRAND] === true;
  }
}
