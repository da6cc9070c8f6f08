// The worker without any infrastructure: `ecsflow worker start` imports this, then only the
// infrastructure its pool uses (./process or ./ecs), so a process pool never loads the AWS SDK.
export { Worker, type WorkerState, type WorkerStatus } from "./worker.js";
export { compileWorkerOptions, WorkerOptionsError, type WorkerOptions, type CompiledWorkerOptions } from "./worker-options.js";
export { startHealthServer } from "./health-server.js";
