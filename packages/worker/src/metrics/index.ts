export { WorkerMetrics, defaultWorkerMetrics } from "./worker-metrics.js";
