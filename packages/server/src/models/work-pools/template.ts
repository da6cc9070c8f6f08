import { defaultBaseJobTemplateFor, validateBaseJobTemplate } from "@ecsflow/schemas";
import { ValidationFailedError } from "../../errors.js";

/** Refuses a template whose placeholders are undeclared or whose defaults break their schema. */
export function assertBaseJobTemplateValid(template: Record<string, unknown>): void {
  if (Object.keys(template).length === 0) return;
  const errors = validateBaseJobTemplate(template);
  if (errors.length > 0) {
    throw new ValidationFailedError(
      "Invalid base job template",
      errors.map((e) => ({ loc: ["body", "base_job_template", ...e.loc], msg: e.msg, type: "value_error" })),
    );
  }
}

/**
 * The template a new pool stores: an empty one becomes the default of its type (`ecs`, `process`),
 * so every pool shows users the variables they can set; others are validated as given.
 */
export function prepareBaseJobTemplate(type: string, template: Record<string, unknown>): Record<string, unknown> {
  if (Object.keys(template).length === 0) return (defaultBaseJobTemplateFor(type) as unknown as Record<string, unknown> | undefined) ?? {};
  assertBaseJobTemplateValid(template);
  return template;
}
