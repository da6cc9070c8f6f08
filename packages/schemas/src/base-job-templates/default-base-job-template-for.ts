import type { BaseJobTemplate } from "../job-template/types.js";
import { ecsDefaultBaseJobTemplate } from "./ecs.js";
import { processDefaultBaseJobTemplate } from "./process.js";

const DEFAULTS: Record<string, BaseJobTemplate> = {
  ecs: ecsDefaultBaseJobTemplate,
  process: processDefaultBaseJobTemplate,
};

/** The default base job template for a work pool type, as a fresh mutable copy; undefined for unknown types. */
export function defaultBaseJobTemplateFor(type: string): BaseJobTemplate | undefined {
  const template = Object.hasOwn(DEFAULTS, type) ? DEFAULTS[type] : undefined;
  return template === undefined ? undefined : structuredClone(template);
}
