import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "@sinclair/typebox";
import { FlowRunHistoryBodySchema, HistoryResponseSchema } from "@ecsflow/schemas";
import { readFlowRunHistory } from "../models/flow-runs/history.js";

/** `POST /flow_runs/history`: runs per state per interval, aggregated by the database (the dashboard's chart). */
export const flowRunHistoryRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post("/flow_runs/history", { schema: { body: FlowRunHistoryBodySchema, response: { 200: Type.Array(HistoryResponseSchema) } } }, async (request) =>
    readFlowRunHistory(app.database, request.body),
  );
};
