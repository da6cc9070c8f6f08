import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import type { Database } from "../database/index.js";
import { configureServerMetrics, serverMetricsFor } from "./server-metrics.js";

export interface MetricsPluginOptions {
  database: Database;
  /** @default true */
  enabled?: boolean;
}

/**
 * `GET /metrics` (Prometheus text format; behind the API key like every route but health) and the
 * request-duration histogram, labelled by the matched route pattern so ids in paths do not make
 * a series each.
 */
export const metricsPlugin = fp(async function metrics(app: FastifyInstance, opts: MetricsPluginOptions) {
  const m = configureServerMetrics(opts.database, opts.enabled ?? true);
  if (!m) return;
  app.addHook("onResponse", async (request, reply) => {
    // Looked up each time, as recordTransition does, so turning the database's metrics off stops both.
    serverMetricsFor(opts.database)?.httpDuration.observe({ method: request.method, route: request.routeOptions.url ?? "(unmatched)", status_code: String(reply.statusCode) }, reply.elapsedTime / 1000);
  });
  app.get("/metrics", async (_request, reply) => {
    const text = await m.registry.metrics();
    return reply.type(m.registry.contentType).send(text);
  });
});
