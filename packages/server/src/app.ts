import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { IncomingMessage, ServerResponse } from "node:http";
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type RawServerDefault, type RouteOptions } from "fastify";
import type { Logger } from "pino";
import type { Database } from "./database/index.js";
import { authPlugin, type AuthOptions } from "./plugins/auth.js";
import { databasePlugin } from "./plugins/database.js";
import { errorHandlerPlugin } from "./plugins/error-handler.js";
import { nullAsAbsentPlugin } from "./plugins/null-as-absent.js";
import { inputLimitsPlugin } from "./plugins/input-limits.js";
import { PostgresRunEventBridge } from "./events/postgres-bridge.js";
import { runEventsFor } from "./events/run-events.js";
import { uiStaticPlugin } from "./plugins/ui-static.js";
import { apiRoutes } from "./routes/index.js";
import { metricsPlugin } from "./metrics/index.js";

import { configureOrchestration, type OrchestrationSettings } from "./orchestration/orchestration-settings.js";
import { enabledServices, type ServicesOptions } from "./services/server-services.js";
import { ServiceRunner } from "./services/service-runner.js";
export interface AppOptions {
  database: Database;
  /** Close the database when the app closes (true for the server command, false for tests that share one). */
  closeDatabase?: boolean;
  logger?: Logger;
  auth?: AuthOptions;
  /** Largest accepted request body in bytes. */
  bodyLimit?: number;
  /** Log every request (off by default: at thousands of requests a second it costs more than it tells). */
  logRequests?: boolean;
  /** Background services to run (none unless enabled here; the server command enables them from settings). */
  services?: ServicesOptions;
  /** Tunables of the orchestration rules. */
  orchestration?: Partial<OrchestrationSettings>;
  /** Called with every route as it is added (tests read the route table, schemas included, from it). */
  onRoute?: (route: RouteOptions) => void;
  /** Prometheus metrics at `GET /metrics` (default on). */
  metrics?: boolean;
}

export type EcsflowApp = FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse, FastifyBaseLogger, TypeBoxTypeProvider>;

/** Builds the HTTP app without listening; `start-server.ts` listens, tests use `inject` or port 0. */
export async function buildApp(options: AppOptions): Promise<EcsflowApp> {
  const app = Fastify({
    loggerInstance: options.logger as FastifyBaseLogger | undefined,
    logController: new LogController({ disableRequestLogging: !options.logRequests }),
    bodyLimit: options.bodyLimit ?? 1_048_576,
    // Prefect clients send trailing slashes on collection paths (`/flows/`); treat both alike.
    routerOptions: { ignoreTrailingSlash: true },
    ajv: {
      customOptions: {
        // A wrong type is a 422, never silently coerced.
        coerceTypes: false,
        allErrors: true,
        // Unknown fields are dropped, not rejected: newer Prefect clients send fields we do not model.
        removeAdditional: true,
        useDefaults: true,
      },
      // Fastify's Ajv compiler already adds ajv-formats (uuid, date-time, …).
    },
  }).withTypeProvider<TypeBoxTypeProvider>();

  if (options.onRoute) app.addHook("onRoute", options.onRoute);
  await app.register(errorHandlerPlugin);
  await app.register(inputLimitsPlugin);
  await app.register(authPlugin, options.auth ?? {});
  await app.register(nullAsAbsentPlugin);
  await app.register(databasePlugin, { database: options.database, closeOnShutdown: options.closeDatabase ?? false });
  await app.register(metricsPlugin, { database: options.database, enabled: options.metrics ?? true });
  await app.register(apiRoutes, { prefix: "/api" });
  await app.register(uiStaticPlugin, {});
  configureOrchestration(options.database, options.orchestration ?? {});
  if (options.database.postgres) {
    // Replicas on one PostgreSQL database hear each other's run events (workers on any replica wake).
    const bridge = new PostgresRunEventBridge(runEventsFor(options.database), { ...options.database.postgres, logger: options.logger });
    app.addHook("onReady", async () => bridge.start());
    app.addHook("preClose", async () => bridge.stop());
  }
  const services = enabledServices(options.services);
  if (services.length > 0) {
    const runner = new ServiceRunner(options.database, app.log, services);
    app.addHook("onReady", async () => runner.start());
    // preClose: the services stop before the database plugin closes the connection.
    app.addHook("preClose", async () => runner.stop());
  }
  return app;
}
