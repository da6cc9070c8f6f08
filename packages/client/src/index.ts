export { EcsflowClient, type WorkerFlowRun, type LogCreate } from "./ecsflow-client.js";
export { HttpTransport, type HttpTransportOptions, type RequestOptions, type HttpResponse } from "./http-transport.js";
export { DEFAULT_RETRY_POLICY, RETRYABLE_STATUSES, retryDelayMs, type RetryPolicy } from "./retry-policy.js";
export * from "./errors.js";
export { LogBatcher, type LogBatcherOptions } from "./log-batcher.js";
export { sleep } from "./sleep.js";
export { openRunEventStream, type RunEventStream } from "./run-event-stream.js";
