import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "@sinclair/typebox";
import {
  ConcurrencyLimitFilterBodySchema,
  ConcurrencyLimitV2CreateSchema,
  ConcurrencyLimitV2Schema,
  ConcurrencyLimitV2UpdateSchema,
  GlobalConcurrencyLimitSchema,
  ConcurrencyLimitWithLeaseSchema,
  IdOrNameParamsSchema,
  LeaseIdParamsSchema,
  LeaseRenewBodySchema,
  MinimalConcurrencyLimitSchema,
  V2DecrementBodySchema,
  V2DecrementWithLeaseBodySchema,
  V2IncrementBodySchema,
  V2IncrementWithLeaseBodySchema,
} from "@ecsflow/schemas";
import { ObjectNotFoundError } from "../errors.js";
import {
  createConcurrencyLimitV2,
  decrementConcurrencyLimitsV2,
  deleteConcurrencyLimitV2,
  incrementConcurrencyLimitsV2,
  readConcurrencyLimitsV2,
  readConcurrencyLimitV2,
  updateConcurrencyLimitV2,
} from "../models/concurrency/global-limits.js";
import { decrementWithLease, incrementWithLease, renewLease } from "../models/concurrency/leases.js";
import { emptyBodyIsEmptyObject } from "./empty-body.js";

const notFound = () => new ObjectNotFoundError("Concurrency Limit not found");

/** `/v2/concurrency_limits`: Prefect's global limits, counters that clients take and give back slots of, for as long as they like or under a lease. */
export const concurrencyLimitV2Routes: FastifyPluginAsyncTypebox = async (app) => {
  emptyBodyIsEmptyObject(app);

  app.post("/v2/concurrency_limits/", { schema: { body: ConcurrencyLimitV2CreateSchema, response: { 201: ConcurrencyLimitV2Schema } } }, async (request, reply) =>
    reply.code(201).send(await createConcurrencyLimitV2(app.database, request.body)),
  );

  app.get("/v2/concurrency_limits/:id_or_name", { schema: { params: IdOrNameParamsSchema, response: { 200: GlobalConcurrencyLimitSchema } } }, async (request) => {
    const limit = await readConcurrencyLimitV2(app.database, request.params.id_or_name);
    if (!limit) throw notFound();
    return limit;
  });

  app.patch("/v2/concurrency_limits/:id_or_name", { schema: { params: IdOrNameParamsSchema, body: ConcurrencyLimitV2UpdateSchema } }, async (request, reply) => {
    if (!(await updateConcurrencyLimitV2(app.database, request.params.id_or_name, request.body))) throw notFound();
    return reply.code(204).send();
  });

  app.delete("/v2/concurrency_limits/:id_or_name", { schema: { params: IdOrNameParamsSchema } }, async (request, reply) => {
    if (!(await deleteConcurrencyLimitV2(app.database, request.params.id_or_name))) throw notFound();
    return reply.code(204).send();
  });

  app.post(
    "/v2/concurrency_limits/filter",
    { schema: { body: ConcurrencyLimitFilterBodySchema, response: { 200: Type.Array(GlobalConcurrencyLimitSchema) } } },
    async (request) => readConcurrencyLimitsV2(app.database, request.body),
  );

  app.post(
    "/v2/concurrency_limits/increment",
    { schema: { body: V2IncrementBodySchema, response: { 200: Type.Array(MinimalConcurrencyLimitSchema) } } },
    async (request) => incrementConcurrencyLimitsV2(app.database, request.body),
  );

  app.post(
    "/v2/concurrency_limits/decrement",
    { schema: { body: V2DecrementBodySchema, response: { 200: Type.Array(MinimalConcurrencyLimitSchema) } } },
    async (request) => decrementConcurrencyLimitsV2(app.database, request.body),
  );

  app.post(
    "/v2/concurrency_limits/increment-with-lease",
    { schema: { body: V2IncrementWithLeaseBodySchema, response: { 200: ConcurrencyLimitWithLeaseSchema } } },
    async (request) => incrementWithLease(app.database, request.body),
  );

  app.post("/v2/concurrency_limits/decrement-with-lease", { schema: { body: V2DecrementWithLeaseBodySchema } }, async (request, reply) => {
    await decrementWithLease(app.database, request.body.lease_id.toLowerCase());
    return reply.code(204).send();
  });

  app.post("/v2/concurrency_limits/leases/:lease_id/renew", { schema: { params: LeaseIdParamsSchema, body: LeaseRenewBodySchema } }, async (request, reply) => {
    await renewLease(app.database, request.params.lease_id.toLowerCase(), request.body.lease_duration);
    return reply.code(204).send();
  });
};
