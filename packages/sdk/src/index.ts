// The SDK's public surface: `import { flow, task, getRunLogger } from "@ecsflow/sdk"` (the `ecsflow` package re-exports it).
export { flow, flowDefinitionOf, FLOW_MARK, type Flow, type FlowOptions, type FlowOptionsInput, type FlowFunction, type FlowCallContext, type FlowDefinition, type FlowRunResult, type RunFlowOptions } from "./flow.js";
export { task, type Task, type TaskOptions } from "./task.js";
export { getRunLogger, getRunContext, type RunContext } from "./run-context.js";
export type { RunLogger } from "./run-logger.js";
export type { RetryOptions } from "./run-attempts.js";
export { validateParameters, type JsonSchema } from "./validate-parameters.js";
export type { ParameterSchema, ParametersOf, StandardJsonSchemaLike } from "./parameter-schema.js";
export { ApiSession } from "./api-session.js";
export { MAX_RESULT_BYTES } from "./result-data.js";
export * from "./errors.js";
export { executeFlowRun, type ExecuteFlowRunOptions, type ExecuteFlowRunResult } from "./execute-flow-run.js";
export { loadFlowFromEntrypoint, parseEntrypoint } from "./load-entrypoint.js";
