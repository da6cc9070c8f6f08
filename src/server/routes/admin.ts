import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "@sinclair/typebox";
import { PREFECT_COMPATIBLE_VERSION, SERVER_API_VERSION } from "../version.js";

/** Health and version endpoints; health stays open when auth is on (load balancers call it). */
export const adminRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get("/health", { schema: { response: { 200: Type.Boolean() } } }, async () => true);
  app.get("/ready", { schema: { response: { 200: Type.Boolean() } } }, async () => true);
  app.get("/version", { schema: { response: { 200: Type.String() } } }, async () => SERVER_API_VERSION);
  app.get("/admin/version", { schema: { response: { 200: Type.String() } } }, async () => PREFECT_COMPATIBLE_VERSION);
  app.get(
    "/csrf-token",
    { schema: { querystring: Type.Object({ client: Type.String() }) } },
    async (_request, reply) => reply.code(422).send({ detail: "CSRF protection is disabled." }),
  );
};
