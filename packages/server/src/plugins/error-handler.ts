import type { FastifyError, FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import { isTransientStorageError } from "../database/transient-errors.js";
import { ConflictError, ForbiddenError, InvalidRequestError, LockedError, ObjectNotFoundError, ServiceUnavailableError, ValidationFailedError } from "../errors.js";

interface ValidationItem {
  loc: (string | number)[];
  msg: string;
  type: string;
}

/** FastAPI's 422 body (`HTTPValidationError`), plus Prefect's `exception_message`/`exception_detail`. */
function validationBody(items: ValidationItem[]) {
  return { detail: items, exception_message: "Invalid request received.", exception_detail: items };
}

function pointerToLoc(part: string, instancePath: string, missing?: string): (string | number)[] {
  const segs = instancePath
    .split("/")
    .slice(1)
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
  const loc: (string | number)[] = [part === "params" ? "path" : part === "querystring" ? "query" : part, ...segs];
  if (missing) loc.push(missing);
  return loc;
}

function describeAjvError(e: { keyword: string; message?: string; params: Record<string, unknown> }): { msg: string; type: string } {
  switch (e.keyword) {
    case "required":
      return { msg: "Field required", type: "missing" };
    case "type":
      return { msg: `Input should be of type ${String(e.params.type)}`, type: `${String(e.params.type)}_type` };
    case "format":
      return { msg: `Input should be a valid ${String(e.params.format)}`, type: `${String(e.params.format)}_parsing` };
    case "enum":
    case "const":
      return { msg: `Input should be one of the allowed values${e.params.allowedValues ? `: ${JSON.stringify(e.params.allowedValues)}` : ""}`, type: "enum" };
    default:
      return { msg: e.message ? `Input ${e.message}` : "Invalid value", type: e.keyword };
  }
}

/**
 * The one place errors become HTTP responses. 4xx bodies name what is wrong; 5xx bodies say
 * nothing about internals (the detail goes to the server log).
 */
export const errorHandlerPlugin = fp(async function errorHandler(app: FastifyInstance) {
  app.setNotFoundHandler((request, reply) => {
    reply.code(404).send({ detail: "Not Found" });
  });

  app.setErrorHandler((error: FastifyError & { validation?: any[]; validationContext?: string }, request, reply) => {
    if (error.validation) {
      const part = error.validationContext ?? "body";
      // Unions produce one error per branch; keep the first per location for a readable answer.
      const seen = new Set<string>();
      const items: ValidationItem[] = [];
      for (const e of error.validation) {
        const loc = pointerToLoc(part, e.instancePath ?? "", e.keyword === "required" ? String(e.params?.missingProperty) : undefined);
        const key = loc.join("/");
        if (seen.has(key)) continue;
        seen.add(key);
        items.push({ loc, ...describeAjvError(e) });
      }
      return reply.code(422).send(validationBody(items));
    }
    if (error instanceof ValidationFailedError) {
      return reply.code(422).send(validationBody(error.errors.map((e) => ({ loc: e.loc, msg: e.msg, type: e.type ?? "value_error" }))));
    }
    if (error instanceof ObjectNotFoundError) return reply.code(404).send({ detail: error.message });
    if (error instanceof ConflictError) return reply.code(409).send({ detail: error.message });
    if (error instanceof ForbiddenError) return reply.code(403).send({ detail: error.message });
    if (error instanceof InvalidRequestError) return reply.code(422).send({ detail: error.message });
    if (error instanceof LockedError) {
      if (error.retryAfterSeconds !== undefined) reply.header("Retry-After", String(error.retryAfterSeconds));
      return reply.code(423).send({ detail: error.message });
    }
    if (error instanceof ServiceUnavailableError) {
      request.log.warn({ err: error }, "storage unavailable");
      return reply.code(503).header("Retry-After", "1").send({ exception_message: "Service Unavailable", detail: error.message });
    }
    if (isTransientStorageError(error)) {
      // Lock contention or a lost serialization race: nothing was written, the same request can be sent again.
      request.log.warn({ err: error }, "storage busy");
      return reply.code(503).header("Retry-After", "1").send({ exception_message: "Service Unavailable", detail: "The database is busy; try again shortly." });
    }
    switch (error.code) {
      case "FST_ERR_CTP_INVALID_JSON_BODY":
      case "FST_ERR_CTP_EMPTY_JSON_BODY":
        return reply.code(422).send(validationBody([{ loc: ["body"], msg: `JSON decode error: ${error.message}`, type: "json_invalid" }]));
      case "FST_ERR_CTP_BODY_TOO_LARGE":
        return reply.code(413).send({ detail: `Request body is larger than the server's limit of ${app.initialConfig.bodyLimit} bytes.` });
      case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
        return reply.code(415).send({ detail: `Unsupported content type ${JSON.stringify(request.headers["content-type"] ?? "")}; send application/json.` });
    }
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      return reply.code(error.statusCode).send({ detail: error.message });
    }
    request.log.error({ err: error }, "request failed");
    return reply.code(500).send({ exception_message: "Internal Server Error" });
  });
});
