export * from "./api/common.js";
export * from "./api/states.js";
export * from "./api/flow-runs.js";
export * from "./api/work-pools.js";
export * from "./api/work-queues.js";
export * from "./api/workers.js";
