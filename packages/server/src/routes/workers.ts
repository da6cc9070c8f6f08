import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "@sinclair/typebox";
import { WorkerFilterBodySchema, WorkerHeartbeatBodySchema, WorkerPathParamsSchema, WorkerSchema, WorkPoolPathParamsSchema } from "@ecsflow/schemas";
import { deleteWorker, readWorkers, recordWorkerHeartbeat } from "../models/workers/workers.js";
import { emptyBodyIsEmptyObject } from "./empty-body.js";

/** The workers of a work pool: heartbeats, list, delete. */
export const workerRoutes: FastifyPluginAsyncTypebox = async (app) => {
  emptyBodyIsEmptyObject(app);

  app.post("/work_pools/:work_pool_name/workers/heartbeat", { schema: { params: WorkPoolPathParamsSchema, body: WorkerHeartbeatBodySchema } }, async (request, reply) => {
    await recordWorkerHeartbeat(app.database, request.params.work_pool_name, request.body);
    return reply.code(204).send();
  });

  app.post(
    "/work_pools/:work_pool_name/workers/filter",
    { schema: { params: WorkPoolPathParamsSchema, body: WorkerFilterBodySchema, response: { 200: Type.Array(WorkerSchema) } } },
    async (request) => readWorkers(app.database, request.params.work_pool_name, request.body),
  );

  app.delete("/work_pools/:work_pool_name/workers/:name", { schema: { params: WorkerPathParamsSchema } }, async (request, reply) => {
    await deleteWorker(app.database, request.params.work_pool_name, request.params.name);
    return reply.code(204).send();
  });
};
