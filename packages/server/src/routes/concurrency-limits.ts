import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "@sinclair/typebox";
import {
  ConcurrencyLimitCreateSchema,
  ConcurrencyLimitFilterBodySchema,
  ConcurrencyLimitResetBodySchema,
  ConcurrencyLimitSchema,
  IdParams,
  MinimalConcurrencyLimitSchema,
  TagPathParamsSchema,
  TaskRunSlotsBodySchema,
} from "@ecsflow/schemas";
import { ObjectNotFoundError } from "../errors.js";
import {
  createConcurrencyLimit,
  decrementTagSlots,
  deleteConcurrencyLimit,
  deleteConcurrencyLimitByTag,
  incrementTagSlots,
  readConcurrencyLimit,
  readConcurrencyLimitByTag,
  readConcurrencyLimits,
  resetConcurrencyLimitByTag,
} from "../models/concurrency/tag-limits.js";
import { emptyBodyIsEmptyObject } from "./empty-body.js";

const notFound = () => new ObjectNotFoundError("Concurrency limit not found");

/** `/concurrency_limits`: Prefect's tag-based limits on task runs (the slots are taken by set_state). */
export const concurrencyLimitRoutes: FastifyPluginAsyncTypebox = async (app) => {
  emptyBodyIsEmptyObject(app);

  app.post(
    "/concurrency_limits/",
    { schema: { body: ConcurrencyLimitCreateSchema, response: { 200: ConcurrencyLimitSchema, 201: ConcurrencyLimitSchema } } },
    async (request, reply) => {
      const { limit, created } = await createConcurrencyLimit(app.database, request.body);
      return reply.code(created ? 201 : 200).send(limit);
    },
  );

  app.get("/concurrency_limits/:id", { schema: { params: IdParams, response: { 200: ConcurrencyLimitSchema } } }, async (request) => {
    const limit = await readConcurrencyLimit(app.database, request.params.id);
    if (!limit) throw notFound();
    return limit;
  });

  app.get("/concurrency_limits/tag/:tag", { schema: { params: TagPathParamsSchema, response: { 200: ConcurrencyLimitSchema } } }, async (request) => {
    const limit = await readConcurrencyLimitByTag(app.database, request.params.tag);
    if (!limit) throw notFound();
    return limit;
  });

  app.post(
    "/concurrency_limits/filter",
    { schema: { body: ConcurrencyLimitFilterBodySchema, response: { 200: Type.Array(ConcurrencyLimitSchema) } } },
    async (request) => readConcurrencyLimits(app.database, request.body),
  );

  // Prefect's routes without a return value answer 200 with a JSON null.
  app.post("/concurrency_limits/tag/:tag/reset", { schema: { params: TagPathParamsSchema, body: ConcurrencyLimitResetBodySchema } }, async (request, reply) => {
    if (!(await resetConcurrencyLimitByTag(app.database, request.params.tag, request.body.slot_override))) throw notFound();
    return reply.code(200).type("application/json").send("null");
  });

  app.delete("/concurrency_limits/:id", { schema: { params: IdParams } }, async (request, reply) => {
    if (!(await deleteConcurrencyLimit(app.database, request.params.id))) throw notFound();
    return reply.code(200).type("application/json").send("null");
  });

  app.delete("/concurrency_limits/tag/:tag", { schema: { params: TagPathParamsSchema } }, async (request, reply) => {
    if (!(await deleteConcurrencyLimitByTag(app.database, request.params.tag))) throw notFound();
    return reply.code(200).type("application/json").send("null");
  });

  app.post(
    "/concurrency_limits/increment",
    { schema: { body: TaskRunSlotsBodySchema, response: { 200: Type.Array(MinimalConcurrencyLimitSchema) } } },
    async (request) => incrementTagSlots(app.database, request.body),
  );

  app.post(
    "/concurrency_limits/decrement",
    { schema: { body: TaskRunSlotsBodySchema, response: { 200: Type.Array(MinimalConcurrencyLimitSchema) } } },
    async (request) => decrementTagSlots(app.database, request.body),
  );
};
