import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "@sinclair/typebox";
import {
  GetScheduledFlowRunsBodySchema,
  WorkerFlowRunSchema,
  WorkPoolCountBodySchema,
  WorkPoolCreateSchema,
  WorkPoolFilterBodySchema,
  WorkPoolNameParamsSchema,
  WorkPoolSchema,
  WorkPoolUpdateSchema,
} from "../../schemas/index.js";
import { getScheduledFlowRuns } from "../models/scheduled-flow-runs.js";
import { countWorkPools, createWorkPool, deleteWorkPool, readWorkPool, readWorkPools, updateWorkPool } from "../models/work-pools.js";
import { emptyBodyIsEmptyObject } from "./empty-body.js";

/** Work pools: create, read, update, delete, filter, count, and the worker's poll. */
export const workPoolRoutes: FastifyPluginAsyncTypebox = async (app) => {
  emptyBodyIsEmptyObject(app);

  app.post("/work_pools/", { schema: { body: WorkPoolCreateSchema, response: { 201: WorkPoolSchema } } }, async (request, reply) => {
    return reply.code(201).send(await createWorkPool(app.database, request.body));
  });

  app.post("/work_pools/filter", { schema: { body: WorkPoolFilterBodySchema, response: { 200: Type.Array(WorkPoolSchema) } } }, async (request) =>
    readWorkPools(app.database, request.body),
  );

  app.post("/work_pools/count", { schema: { body: WorkPoolCountBodySchema, response: { 200: Type.Integer() } } }, async (request) =>
    countWorkPools(app.database, request.body),
  );

  app.get("/work_pools/:name", { schema: { params: WorkPoolNameParamsSchema, response: { 200: WorkPoolSchema } } }, async (request) =>
    readWorkPool(app.database, request.params.name),
  );

  app.patch("/work_pools/:name", { schema: { params: WorkPoolNameParamsSchema, body: WorkPoolUpdateSchema } }, async (request, reply) => {
    await updateWorkPool(app.database, request.params.name, request.body);
    return reply.code(204).send();
  });

  app.delete("/work_pools/:name", { schema: { params: WorkPoolNameParamsSchema } }, async (request, reply) => {
    await deleteWorkPool(app.database, request.params.name);
    return reply.code(204).send();
  });

  app.post(
    "/work_pools/:name/get_scheduled_flow_runs",
    { schema: { params: WorkPoolNameParamsSchema, body: GetScheduledFlowRunsBodySchema, response: { 200: Type.Array(WorkerFlowRunSchema) } } },
    async (request) => getScheduledFlowRuns(app.database, request.params.name, request.body),
  );
};
