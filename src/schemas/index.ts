// The schemas module's public surface: a list of re-exports, one line per area.
export * from "./base-job-templates/index.js";
export * from "./job-template/index.js";
