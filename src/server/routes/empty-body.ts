import type { FastifyInstance } from "fastify";

/**
 * Prefect's clients POST filter and poll requests without any body (`client.post(url)`); FastAPI
 * reads that as `{}`. Fastify would reject the missing body against the body schema, so routes of
 * the calling plugin see `{}` instead. Encapsulated: applies only to the plugin that calls it.
 */
export function emptyBodyIsEmptyObject(app: FastifyInstance): void {
  app.addHook("preValidation", async (request) => {
    if (request.body === undefined && (request.method === "POST" || request.method === "PATCH")) request.body = {};
  });
}
