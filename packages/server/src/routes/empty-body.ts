import type { FastifyInstance } from "fastify";

/**
 * Prefect's clients POST filter and poll requests without any body (`client.post(url)`); FastAPI
 * reads that as `{}`. Fastify would reject the missing body against the body schema, so routes of
 * the calling plugin see `{}` instead. Encapsulated: applies only to the plugin that calls it.
 */
export function emptyBodyIsEmptyObject(app: FastifyInstance): void {
  // A callback hook, not an async one: it runs on every request of these routes (set_state among
  // them), and an async hook costs a promise and a microtask turn each time for a one-line check.
  app.addHook("preValidation", (request, _reply, done) => {
    if (request.body === undefined && (request.method === "POST" || request.method === "PATCH")) request.body = {};
    done();
  });
}
