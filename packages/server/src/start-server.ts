import type { Logger } from "pino";
import { buildApp, type EcsflowApp } from "./app.js";
import type { AuthOptions } from "./plugins/auth.js";
import { openDatabase } from "./database/index.js";
import type { OrchestrationSettings } from "./orchestration/orchestration-settings.js";
import type { ServicesOptions } from "./services/server-services.js";

export interface StartServerOptions {
  host: string;
  port: number;
  databaseUrl: string;
  logger: Logger;
  auth?: AuthOptions;
  bodyLimit?: number;
  services?: ServicesOptions;
  orchestration?: Partial<OrchestrationSettings>;
}

export interface RunningServer {
  app: EcsflowApp;
  /** Base URL of the API, e.g. http://127.0.0.1:4200/api. */
  apiUrl: string;
  close(): Promise<void>;
}

/** Opens (and migrates) the database, builds the app and listens. */
export async function startServer(options: StartServerOptions): Promise<RunningServer> {
  const database = await openDatabase({ url: options.databaseUrl });
  options.logger.info({ database: database.description, engine: database.engine }, "database ready");
  let app: EcsflowApp;
  try {
    app = await buildApp({ database, closeDatabase: true, logger: options.logger, auth: options.auth, bodyLimit: options.bodyLimit, services: options.services, orchestration: options.orchestration });
  } catch (err) {
    await database.close();
    throw err;
  }
  await app.listen({ host: options.host, port: options.port });
  const address = app.server.address();
  const port = typeof address === "object" && address ? address.port : options.port;
  const host = options.host.includes(":") ? `[${options.host}]` : options.host;
  return { app, apiUrl: `http://${host}:${port}/api`, close: () => app.close() };
}
