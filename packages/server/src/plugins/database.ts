import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import type { Database } from "../database/index.js";

declare module "fastify" {
  interface FastifyInstance {
    database: Database;
  }
}

/** Shares the open database with every route plugin; closing the app closes it. */
export const databasePlugin = fp(async function database(app: FastifyInstance, opts: { database: Database; closeOnShutdown: boolean }) {
  app.decorate("database", opts.database);
  if (opts.closeOnShutdown) app.addHook("onClose", async () => opts.database.close());
});
