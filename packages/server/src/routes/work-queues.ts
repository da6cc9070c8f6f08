import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "@sinclair/typebox";
import {
  WorkPoolPathParamsSchema,
  WorkQueueCreateSchema,
  WorkQueueFilterBodySchema,
  WorkQueuePathParamsSchema,
  WorkQueueSchema,
  WorkQueueUpdateSchema,
} from "@ecsflow/schemas";
import { createWorkQueue, deleteWorkQueue, readWorkQueue, readWorkQueues, updateWorkQueue } from "../models/work-queues/work-queues.js";
import { emptyBodyIsEmptyObject } from "./empty-body.js";

/** The queues of a work pool, addressed by pool name and queue name. */
export const workQueueRoutes: FastifyPluginAsyncTypebox = async (app) => {
  emptyBodyIsEmptyObject(app);

  app.post(
    "/work_pools/:work_pool_name/queues",
    { schema: { params: WorkPoolPathParamsSchema, body: WorkQueueCreateSchema, response: { 201: WorkQueueSchema } } },
    async (request, reply) => reply.code(201).send(await createWorkQueue(app.database, request.params.work_pool_name, request.body)),
  );

  app.post(
    "/work_pools/:work_pool_name/queues/filter",
    { schema: { params: WorkPoolPathParamsSchema, body: WorkQueueFilterBodySchema, response: { 200: Type.Array(WorkQueueSchema) } } },
    async (request) => readWorkQueues(app.database, request.params.work_pool_name, request.body),
  );

  app.get("/work_pools/:work_pool_name/queues/:name", { schema: { params: WorkQueuePathParamsSchema, response: { 200: WorkQueueSchema } } }, async (request) =>
    readWorkQueue(app.database, request.params.work_pool_name, request.params.name),
  );

  app.patch("/work_pools/:work_pool_name/queues/:name", { schema: { params: WorkQueuePathParamsSchema, body: WorkQueueUpdateSchema } }, async (request, reply) => {
    await updateWorkQueue(app.database, request.params.work_pool_name, request.params.name, request.body);
    return reply.code(204).send();
  });

  app.delete("/work_pools/:work_pool_name/queues/:name", { schema: { params: WorkQueuePathParamsSchema } }, async (request, reply) => {
    await deleteWorkQueue(app.database, request.params.work_pool_name, request.params.name);
    return reply.code(204).send();
  });
};
