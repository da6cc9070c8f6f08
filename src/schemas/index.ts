export * from "./api/common.js";
export * from "./api/states.js";
export * from "./api/flow-runs.js";
