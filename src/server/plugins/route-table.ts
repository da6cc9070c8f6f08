import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";

/** One registered route as the router knows it (a HEAD Fastify adds beside a GET is its own entry). */
export interface RouteEntry {
  method: string;
  /** The full path with its prefix and parameters, e.g. `/api/flows/:id`. */
  url: string;
}

declare module "fastify" {
  interface FastifyInstance {
    /**
     * Every route registered so far, in order: Fastify offers no list of its own (printRoutes is a
     * tree for people), and tests that must cover every route, whoever adds it, read this.
     */
    routeTable(): readonly RouteEntry[];
  }
}

/** Registered first, so that its onRoute hook sees every route of every plugin after it. */
export const routeTablePlugin = fp(async function routeTable(app: FastifyInstance) {
  const routes: RouteEntry[] = [];
  app.addHook("onRoute", (route) => {
    for (const method of [route.method].flat()) routes.push({ method, url: route.url });
  });
  app.decorate("routeTable", () => routes);
});
