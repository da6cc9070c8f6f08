import type { FastifyRequest } from "fastify";

/**
 * FastAPI treats a missing body of a filter endpoint as "no criteria"; Fastify would validate
 * `undefined` against the body schema and answer 422. Used as a route's preValidation hook.
 */
export async function emptyBodyAsObject(request: FastifyRequest): Promise<void> {
  if (request.body === undefined || request.body === null) request.body = {};
}
