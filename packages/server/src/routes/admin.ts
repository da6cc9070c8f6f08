import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "@sinclair/typebox";
import { PREFECT_COMPATIBLE_VERSION, SERVER_API_VERSION } from "../version.js";

/** Health and version endpoints; health stays open when auth is on (load balancers call it). */
export const adminRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get("/health", { schema: { response: { 200: Type.Boolean() } } }, async () => true);
  app.get("/ready", { schema: { response: { 200: Type.Boolean() } } }, async () => true);
  // JSON strings (`"0.8.4"`), as Prefect answers: its clients call `.json()` on them, and Fastify
  // would send a bare string as text/plain.
  app.get("/version", { schema: { response: { 200: Type.String() } } }, async (_request, reply) => reply.type("application/json").send(JSON.stringify(SERVER_API_VERSION)));
  app.get("/admin/version", { schema: { response: { 200: Type.String() } } }, async (_request, reply) =>
    reply.type("application/json").send(JSON.stringify(PREFECT_COMPATIBLE_VERSION)),
  );
  app.get(
    "/csrf-token",
    { schema: { querystring: Type.Object({ client: Type.String() }) } },
    async (_request, reply) => reply.code(422).send({ detail: "CSRF protection is disabled." }),
  );
};
