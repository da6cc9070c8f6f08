import { buildApp, type AppOptions, type EcsflowApp } from "../../packages/server/src/app.js";
import type { Engine } from "../../packages/server/src/database/index.js";
import { createTestDatabase, type TestDatabase } from "./test-database.js";

export interface TestServer {
  app: EcsflowApp;
  database: TestDatabase;
  /** e.g. http://127.0.0.1:43125/api */
  apiUrl: string;
  /** fetch against the API with JSON in and out. */
  request<T = any>(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: T }>;
  close(): Promise<void>;
}

/** A real server on a random loopback port over a fresh database of the given engine. */
export async function startTestServer(engine: Engine, options: Omit<AppOptions, "database"> = {}): Promise<TestServer> {
  const database = await createTestDatabase(engine);
  const app = await buildApp({ ...options, database });
  await app.listen({ host: "127.0.0.1", port: 0 });
  const address = app.server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  const apiUrl = `http://127.0.0.1:${port}/api`;
  return {
    app,
    database,
    apiUrl,
    async request(method, path, body, headers = {}) {
      const res = await fetch(`${apiUrl}${path}`, {
        method,
        headers: body === undefined ? headers : { "content-type": "application/json", ...headers },
        body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
      });
      const text = await res.text();
      let parsed: any = text;
      try {
        parsed = text === "" ? undefined : JSON.parse(text);
      } catch {
        /* not JSON: keep the text */
      }
      return { status: res.status, body: parsed };
    },
    async close() {
      await app.close();
      await database.destroy();
    },
  };
}
