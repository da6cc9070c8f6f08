import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "@sinclair/typebox";
import { LogCreateBatchSchema, LogSchema, ReadLogsBodySchema } from "@ecsflow/schemas";
import { createLogs, readLogs } from "../models/logs/logs.js";
import { emptyBodyIsEmptyObject } from "./empty-body.js";

/** `/logs`: batches of log lines from flow and task runs. */
export const logRoutes: FastifyPluginAsyncTypebox = async (app) => {
  emptyBodyIsEmptyObject(app);
  app.post("/logs/", { schema: { body: LogCreateBatchSchema } }, async (request, reply) => {
    await createLogs(app.database, request.body);
    return reply.code(201).send();
  });

  app.post(
    "/logs/filter",
    { schema: { body: ReadLogsBodySchema, response: { 200: Type.Array(LogSchema) } } },
    async (request) => readLogs(app.database, request.body),
  );
};
