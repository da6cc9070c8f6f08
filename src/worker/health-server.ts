import { createServer, type Server } from "node:http";
import type { WorkerStatus } from "./worker.js";

/**
 * `GET /health` for ECS container health checks: 200 while the worker polls successfully, 503 once
 * its last good poll is too old (a stuck worker gets replaced by the service).
 */
export async function startHealthServer(getStatus: () => WorkerStatus, port: number, host = "0.0.0.0"): Promise<{ port: number; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    if (req.method !== "GET" || (req.url ?? "").split("?")[0] !== "/health") {
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
