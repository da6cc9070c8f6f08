import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "@sinclair/typebox";
import {
  type WorkPool,
  GetScheduledFlowRunsBodySchema,
  WorkerFlowRunSchema,
  WorkPoolCountBodySchema,
  WorkPoolCreateSchema,
  WorkPoolFilterBodySchema,
  WorkPoolNameParamsSchema,
  WorkPoolSchema,
  WorkPoolUpdateSchema,
} from "@ecsflow/schemas";
import { getScheduledFlowRuns } from "../models/flow-runs/scheduled-flow-runs.js";
import { countWorkPools, createWorkPool, deleteWorkPool, readWorkPool, readWorkPools, updateWorkPool } from "../models/work-pools/work-pools.js";
import { emptyBodyIsEmptyObject } from "./empty-body.js";
import { isPrefectClientAtMost } from "./prefect-client-version.js";

/** Prefect clients up to 3.3.7 reject `default_result_storage_block_id`; Prefect's server leaves it out for them. */
function forClient(pool: WorkPool, userAgent: string | undefined): WorkPool {
  if (!isPrefectClientAtMost(userAgent, [3, 3, 7])) return pool;
  const { default_result_storage_block_id: _omitted, ...storage } = pool.storage_configuration;
  return { ...pool, storage_configuration: storage };
}

/** Work pools: create, read, update, delete, filter, count, and the worker's poll. */
export const workPoolRoutes: FastifyPluginAsyncTypebox = async (app) => {
  emptyBodyIsEmptyObject(app);

  app.post("/work_pools/", { schema: { body: WorkPoolCreateSchema, response: { 201: WorkPoolSchema } } }, async (request, reply) => {
    return reply.code(201).send(forClient(await createWorkPool(app.database, request.body), request.headers["user-agent"]));
  });

  app.post("/work_pools/filter", { schema: { body: WorkPoolFilterBodySchema, response: { 200: Type.Array(WorkPoolSchema) } } }, async (request) =>
    (await readWorkPools(app.database, request.body)).map((pool) => forClient(pool, request.headers["user-agent"])),
  );

  app.post("/work_pools/count", { schema: { body: WorkPoolCountBodySchema, response: { 200: Type.Integer() } } }, async (request) =>
    countWorkPools(app.database, request.body),
  );

  app.get("/work_pools/:name", { schema: { params: WorkPoolNameParamsSchema, response: { 200: WorkPoolSchema } } }, async (request) =>
    forClient(await readWorkPool(app.database, request.params.name), request.headers["user-agent"]),
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
