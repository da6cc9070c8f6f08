import { createServer, type Server } from "node:http";
import type { Registry } from "prom-client";
import { defaultWorkerMetrics } from "./metrics/index.js";
import type { WorkerStatus } from "./worker.js";

/**
 * `GET /health` for ECS container health checks: 200 while the worker polls successfully, 503 once
 * its last good poll is too old (a stuck worker gets replaced by the service). `GET /metrics`:
 * the worker's Prometheus metrics.
 */
export async function startHealthServer(
  getStatus: () => WorkerStatus,
  port: number,
  host = "0.0.0.0",
  registry: Registry = defaultWorkerMetrics.registry,
): Promise<{ port: number; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? "").split("?")[0];
    if (req.method === "GET" && path === "/metrics") {
      registry.metrics().then(
        (text) => res.writeHead(200, { "content-type": registry.contentType }).end(text),
        () => res.writeHead(500, { "content-type": "application/json" }).end(JSON.stringify({ detail: "Metrics could not be collected." })),
      );
      return;
    }
    if (req.method !== "GET" || path !== "/health") {
      res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ detail: "Not Found" }));
      return;
    }
    const status = getStatus();
    res.writeHead(status.healthy ? 200 : 503, { "content-type": "application/json" }).end(JSON.stringify(status));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, resolve);
  });
  const address = server.address();
  return {
    port: typeof address === "object" && address ? address.port : port,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
