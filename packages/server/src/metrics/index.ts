export { metricsPlugin, type MetricsPluginOptions } from "./metrics-plugin.js";
export { serverMetricsFor, configureServerMetrics, ServerMetrics } from "./server-metrics.js";
