import type { FastifyInstance, FastifyReply } from "fastify";
import { EcsLocalConfigError } from "../errors.js";
import type { EcsLocalAdmin } from "./ecs-local-admin.js";

export const ADMIN_PREFIX = "/_ecs-local/";
/** Admin routes open without the admin token: health, for readiness checks. */
export const OPEN_ADMIN_ROUTES = new Set(["/_ecs-local/health"]);

/** `/_ecs-local/…`: JSON in and out; bad input answers 400 with `{ error }`. */
export function registerAdminRoutes(app: FastifyInstance, admin: EcsLocalAdmin): void {
  const guarded = (fn: (body: any) => unknown) => async (req: { body: unknown }, reply: FastifyReply) => {
    let body: unknown = req.body;
    if (typeof body === "string") {
      try {
        body = body.trim() === "" ? {} : JSON.parse(body);
      } catch {
        return reply.code(400).send({ error: "The body must be JSON." });
      }
    }
    try {
      return reply.send(fn(body ?? {}) ?? { ok: true });
    } catch (err) {
      if (err instanceof EcsLocalConfigError) return reply.code(400).send({ error: err.message });
      throw err;
    }
  };
  app.get("/_ecs-local/health", async () => ({ status: "ok", liveTasks: admin.liveTasks() }));
  app.get("/_ecs-local/counters", async () => admin.counters());
  app.delete("/_ecs-local/counters", guarded(() => admin.resetCounters()));
  app.get("/_ecs-local/limits", async () => admin.limits());
  app.put("/_ecs-local/limits", guarded((b) => admin.setLimits(b)));
  app.get("/_ecs-local/faults", async () => ({ rules: admin.faults() }));
  app.put("/_ecs-local/faults", guarded((b) => admin.setFaults(b.rules)));
  app.delete("/_ecs-local/faults", guarded(() => admin.setFaults([])));
  app.get("/_ecs-local/settings", async () => admin.settings());
  app.put("/_ecs-local/settings", guarded((b) => admin.setSettings(b)));
  app.get("/_ecs-local/tasks/:task", async (req, reply) => {
    const view = admin.task((req.params as { task: string }).task);
    return view ? view : reply.code(404).send({ error: "No such task." });
  });
}
