import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "@sinclair/typebox";
import { CostSummaryQuerySchema, CostSummaryRowSchema, IdParams, RunCostSchema, RunUsageSchema } from "@ecsflow/schemas";
import { ObjectNotFoundError } from "../errors.js";
import { readRunCost, recordRunCost, summarizeCosts } from "../models/flow-runs/run-costs.js";

/**
 * ecsflow's run costs: a worker reports what ECS said about a run's stopped task, the server
 * prices it (packages/server/src/cost/prices.ts) and keeps it with the run; sums per deployment or pool.
 */
export const runCostRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post("/ecsflow/flow_runs/:id/cost", { schema: { params: IdParams, body: RunUsageSchema, response: { 200: RunCostSchema } } }, async (request) =>
    recordRunCost(app.database, request.params.id, request.body),
  );

  app.get("/ecsflow/flow_runs/:id/cost", { schema: { params: IdParams, response: { 200: RunCostSchema } } }, async (request) => {
    const cost = await readRunCost(app.database, request.params.id);
    if (!cost) throw new ObjectNotFoundError("No cost recorded for this flow run");
    return cost;
  });

  app.get("/ecsflow/costs", { schema: { querystring: CostSummaryQuerySchema, response: { 200: Type.Array(CostSummaryRowSchema) } } }, async (request) =>
    summarizeCosts(app.database, request.query),
  );
};
