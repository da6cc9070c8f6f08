export type { BaseJobTemplate, JsonRecord, JsonPrimitive, JsonValue, TemplateError, VariablesSchema } from "./types.js";
export type { Placeholder, PlaceholderKind } from "./placeholders.js";
export { envPlaceholderVariable, findPlaceholders, parsePlaceholders, placeholderKind, placeholderPath, replacePlaceholders, wholePlaceholder } from "./placeholders.js";
export { validateBaseJobTemplate } from "./validate-base-job-template.js";
export type { ValidateJobVariablesOptions } from "./validate-job-variables.js";
export { toTemplateErrors, validateJobVariables } from "./validate-job-variables.js";
export { variableDefaults } from "./variable-defaults.js";
