// The schemas module's public surface: a list of re-exports, one line per area.
export * from "./api/common.js";
export * from "./api/states.js";
export * from "./api/flow-runs.js";
export * from "./base-job-templates/index.js";
export * from "./job-template/index.js";
export * from "./api/work-pools.js";
export * from "./api/work-queues.js";
export * from "./api/workers.js";
export * from "./api/flows.js";
export * from "./api/filters.js";
export * from "./api/sorts.js";
export * from "./api/filter-bodies.js";
export * from "./api/flow-run-actions.js";
export * from "./api/deployments.js";
export * from "./api/task-runs.js";
export * from "./api/logs.js";
export * from "./api/run-events.js";
