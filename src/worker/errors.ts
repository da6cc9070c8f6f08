// Errors of the worker module. Each has a fixed `name`, a stable `code` and typed fields, and
// `instanceof` holds across two copies of this package (a Symbol.for brand, as Temporal's SDK does).

import type { TemplateError } from "../schemas/index.js";

const RENDER_ERROR_BRAND = Symbol.for("ecsflow.worker.JobTemplateRenderError");

export type JobTemplateRenderErrorCode =
  /** The work pool's base job template is malformed (fix the work pool). */
  | "invalid_base_job_template"
  /** The merged job variables do not satisfy the pool's variables schema (fix the variable named). */
  | "invalid_job_variables"
  /** A `{{ prefect.blocks.… }}` or `{{ prefect.variables.… }}` placeholder, which ecsflow does not resolve. */
  | "unsupported_placeholder"
  /** A field the worker relies on (`env`, `labels`, `name`, `command`) rendered to the wrong type. */
  | "invalid_job_configuration";

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
