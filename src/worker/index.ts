export { Worker, type WorkerState, type WorkerStatus } from "./worker.js";
export { compileWorkerOptions, WorkerOptionsError, type WorkerOptions, type CompiledWorkerOptions } from "./worker-options.js";
export type { Infrastructure, InfrastructureJob, InfrastructureResult, StartedInfrastructure } from "./infrastructure/infrastructure.js";
export { ProcessInfrastructure, type ProcessInfrastructureOptions } from "./infrastructure/process/process-infrastructure.js";
export { EcsInfrastructure, EcsInfrastructureOptionsError, type EcsInfrastructureOptions } from "./infrastructure/ecs/index.js";
export { renderJobTemplate, DEFAULT_FLOW_RUN_COMMAND, type RenderJobTemplateInput, type RenderedJobConfiguration } from "./render-job-template.js";
export { explainExitCode } from "./explain-exit-code.js";
export * from "./errors.js";
export { startHealthServer } from "./health-server.js";
