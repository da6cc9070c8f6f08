import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply } from "fastify";
import type { Logger } from "pino";
import type { AccessControl } from "./access/access-control.js";
import { ADMIN_PREFIX, OPEN_ADMIN_ROUTES, registerAdminRoutes } from "./admin/admin-routes.js";
import type { EcsLocalAdmin } from "./admin/ecs-local-admin.js";
import { AwsError } from "./errors.js";
import { CREDENTIALS_PATH, METADATA_PATH } from "./task-endpoints/task-endpoint-routes.js";
import type { AwsRequestDispatcher } from "./protocol/dispatch-aws-request.js";

const BODY_LIMIT = 10 * 1024 * 1024;

/**
 * The HTTP surface: every AWS call arrives as POST (or GET, for query requests) on any path but
 * `/_ecs-local/`, with its body kept as text for the protocol layer to decode, so that even an
 * unreadable body gets an AWS-shaped answer rather than Fastify's.
 */
export function buildApp(
  dispatcher: AwsRequestDispatcher,
  admin: EcsLocalAdmin,
  access: AccessControl,
  logger: Logger,
  registerTaskRoutes: (app: FastifyInstance) => void,
  onRoute?: (route: { method: string | string[]; url: string }) => void,
): FastifyInstance {
  const app: FastifyInstance = Fastify({ loggerInstance: logger as FastifyBaseLogger, logController: new LogController({ disableRequestLogging: true }), bodyLimit: BODY_LIMIT });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(["application/x-amz-json-1.1", "application/x-amz-json-1.0", "application/x-www-form-urlencoded"], { parseAs: "string" }, (_req, body, done) => done(null, body));
  app.addContentTypeParser("*", { parseAs: "string" }, (_req, body, done) => done(null, body));

  app.setErrorHandler((err: { statusCode?: number; code?: string; message: string }, req, reply) => {
    const status = err.statusCode ?? 500;
    if (status >= 500) logger.error({ err, url: req.url.split("?")[0] }, "request failed");
    const error =
      status === 413
        ? new AwsError("RequestEntityTooLargeException", "Request body is too large.", 413)
        : status < 500
          ? new AwsError("SerializationException", err.message, status)
          : new AwsError("InternalFailure", "An internal error occurred.", 500);
    if (req.url.startsWith("/_ecs-local/")) return reply.code(error.httpStatus).send({ error: error.message });
    const res = dispatcher.transportError(req.headers, error);
    return reply.code(res.status).headers(res.headers).send(Buffer.from(res.body, "utf8"));
  });

  app.addHook("onResponse", async (req, reply) => {
    logger.debug({ method: req.method, path: req.url.split("?")[0], target: req.headers["x-amz-target"], statusCode: reply.statusCode, ms: Math.round(reply.elapsedTime) }, "request");
  });

  if (onRoute) app.addHook("onRoute", (r) => onRoute({ method: r.method, url: r.url }));
  // Decided on the route matched, not the URL's text: `/%5fecs-local/…` reaches the same route.
  // Task endpoints carry their own unguessable tokens; the AWS routes check SigV4 in the dispatcher.
  app.addHook("onRequest", async (req, reply) => {
    const route = req.routeOptions.url ?? "";
    if (!route.startsWith(ADMIN_PREFIX) || OPEN_ADMIN_ROUTES.has(route) || route.startsWith(`${METADATA_PATH}/`) || route.startsWith(`${CREDENTIALS_PATH}/`)) return;
    if (access.checkAdmin(req.headers.authorization, req.raw.rawHeaders)) return;
    return reply.code(401).header("WWW-Authenticate", "Bearer").send({ error: "ecs-local's admin routes need Authorization: Bearer <admin token>." });
  });
  registerAdminRoutes(app, admin);
  registerTaskRoutes(app);

  const handle = async (req: { method: string; url: string; headers: Record<string, string | string[] | undefined>; body: unknown }, reply: FastifyReply) => {
    const res = await dispatcher.dispatch({ method: req.method, url: req.url, headers: req.headers, body: typeof req.body === "string" ? req.body : "" });
    // A Buffer keeps Fastify from appending "; charset=utf-8", which AWS does not send.
    return reply.code(res.status).headers(res.headers).send(Buffer.from(res.body, "utf8"));
  };
  app.route({ method: ["GET", "POST"], url: "/", handler: handle });
  app.route({ method: ["GET", "POST"], url: "/*", handler: handle });
  return app;
}
