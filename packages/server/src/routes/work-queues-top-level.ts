import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "@sinclair/typebox";
import {
  FlowRunSchema,
  IdParams,
  WorkQueueConcurrencyStatusBodySchema,
  WorkQueueConcurrencyStatusSchema,
  WorkQueueCreateSchema,
  WorkQueueFilterBodySchema,
  WorkQueueNameParamsSchema,
  WorkQueueRunsBodySchema,
  WorkQueueSchema,
  WorkQueueStatusDetailSchema,
  WorkQueueUpdateSchema,
} from "@ecsflow/schemas";
import {
  createTopLevelWorkQueue,
  deleteWorkQueueById,
  readAllWorkQueues,
  readWorkQueueById,
  readWorkQueueByName,
  readWorkQueueConcurrencyStatus,
  readWorkQueueRuns,
  readWorkQueueStatusDetail,
  updateWorkQueueById,
} from "../models/work-queues/top-level.js";
import { emptyBodyIsEmptyObject } from "./empty-body.js";

/** Prefect's top-level `/work_queues` routes: queues by id across pools, new ones in the agent pool. */
export const workQueueTopLevelRoutes: FastifyPluginAsyncTypebox = async (app) => {
  emptyBodyIsEmptyObject(app);

  app.post("/work_queues/", { schema: { body: WorkQueueCreateSchema, response: { 201: WorkQueueSchema } } }, async (request, reply) =>
    reply.code(201).send(await createTopLevelWorkQueue(app.database, request.body)),
  );
  app.post("/work_queues/filter", { schema: { body: WorkQueueFilterBodySchema, response: { 200: Type.Array(WorkQueueSchema) } } }, async (request) =>
    readAllWorkQueues(app.database, request.body),
  );
  app.get("/work_queues/name/:name", { schema: { params: WorkQueueNameParamsSchema, response: { 200: WorkQueueSchema } } }, async (request) =>
    readWorkQueueByName(app.database, request.params.name),
  );
  app.get("/work_queues/:id", { schema: { params: IdParams, response: { 200: WorkQueueSchema } } }, async (request) => readWorkQueueById(app.database, request.params.id));
  app.patch("/work_queues/:id", { schema: { params: IdParams, body: WorkQueueUpdateSchema } }, async (request, reply) => {
    await updateWorkQueueById(app.database, request.params.id, request.body);
    return reply.code(204).send();
  });
  app.delete("/work_queues/:id", { schema: { params: IdParams } }, async (request, reply) => {
    await deleteWorkQueueById(app.database, request.params.id);
    return reply.code(204).send();
  });
  app.post("/work_queues/:id/get_runs", { schema: { params: IdParams, body: WorkQueueRunsBodySchema, response: { 200: Type.Array(FlowRunSchema) } } }, async (request) =>
    readWorkQueueRuns(app.database, request.params.id, request.body, request.headers["x-prefect-ui"] === "true"),
  );
  app.get("/work_queues/:id/status", { schema: { params: IdParams, response: { 200: WorkQueueStatusDetailSchema } } }, async (request) =>
    readWorkQueueStatusDetail(app.database, request.params.id),
  );
  app.post(
    "/work_queues/:id/concurrency_status",
    { schema: { params: IdParams, body: WorkQueueConcurrencyStatusBodySchema, response: { 200: WorkQueueConcurrencyStatusSchema } } },
    async (request) => readWorkQueueConcurrencyStatus(app.database, request.params.id, request.body),
  );
};
