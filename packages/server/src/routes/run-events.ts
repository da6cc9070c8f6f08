import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "@sinclair/typebox";
import type { ServerResponse } from "node:http";
import { runEventsFor, type RunEvent } from "../events/run-events.js";

const HEARTBEAT_MS = 15_000;

const RunEventsQuery = Type.Object({
  /** Only runs of this work pool (what a worker listens to). */
  work_pool_name: Type.Optional(Type.String({ minLength: 1 })),
  /** Only this flow run and its task runs (what a run's page listens to). */
  flow_run_id: Type.Optional(Type.String({ format: "uuid" })),
});

/** What this server offers beyond Prefect's API; a client that gets 404 here talks to a plain Prefect server. */
export const ECSFLOW_CAPABILITIES = {
  run_events: "/ecsflow/run_events",
  set_state_preconditions: ["expected_state_type"],
  run_costs: "/ecsflow/flow_runs/{id}/cost",
  notifications: "/ecsflow/notifications",
} as const;

function matches(event: RunEvent, query: { work_pool_name?: string; flow_run_id?: string }): boolean {
  if (query.work_pool_name !== undefined && event.work_pool_name !== query.work_pool_name) return false;
  if (query.flow_run_id !== undefined && event.flow_run_id !== query.flow_run_id) return false;
  return true;
}

/**
 * `GET /ecsflow/run_events`: a server-sent event stream of run changes (created, new state), so
 * workers dispatch a run the moment it is due and pages update live instead of polling. Events
 * are hints: a client re-reads through the API, and a `resync` event tells it events were dropped
 * (it fell behind), so it should re-read everything it shows.
 */
export const runEventRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const open = new Set<ServerResponse>();
  // Streams never end on their own; without this, close() would wait for them forever.
  app.addHook("preClose", async () => {
    for (const res of open) res.end();
    open.clear();
  });

  app.get("/ecsflow/capabilities", async () => ECSFLOW_CAPABILITIES);

  app.get("/ecsflow/run_events", { schema: { querystring: RunEventsQuery } }, async (request, reply) => {
    const query = request.query;
    const res = reply.raw;
    reply.hijack();
    res.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache, no-transform",
      connection: "keep-alive",
      // Proxies (nginx) must pass events through as they come.
      "x-accel-buffering": "no",
    });
    res.socket?.setNoDelay(true);
    open.add(res);
    let sequence = 0;
    let congested = false;
    const send = (chunk: string) => {
      if (congested) return;
      if (!res.write(chunk)) {
        // A slow reader: drop events rather than buffer without bound, and tell it to re-read.
        congested = true;
        res.once("drain", () => {
          congested = false;
          res.write(`event: resync\ndata: {}\n\n`);
        });
      }
    };
    send(`retry: 1000\nevent: ready\ndata: ${JSON.stringify({ capabilities: ECSFLOW_CAPABILITIES })}\n\n`);
    const unsubscribe = runEventsFor(app.database).subscribe((event) => {
      if (matches(event, query)) send(`id: ${++sequence}\nevent: run\ndata: ${JSON.stringify(event)}\n\n`);
    });
    const heartbeat = setInterval(() => send(`: ping\n\n`), HEARTBEAT_MS);
    const cleanup = () => {
      clearInterval(heartbeat);
      unsubscribe();
      open.delete(res);
    };
    res.on("close", cleanup);
    request.raw.on("close", cleanup);
  });
};
