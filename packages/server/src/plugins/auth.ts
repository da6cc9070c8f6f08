import { createHash, timingSafeEqual } from "node:crypto";
import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import { posix } from "node:path";

export interface AuthOptions {
  /** `Authorization: Bearer <apiKey>` (what Prefect Cloud clients send). */
  apiKey?: string;
  /** `USER:PASS` for HTTP Basic (Prefect's self-hosted server auth). */
  authString?: string;
}

const digest = (s: string) => createHash("sha256").update(s).digest();

/** Compares digests so the time taken says nothing about how much of the secret matched. */
function safeEqual(given: string, expected: Buffer): boolean {
  return timingSafeEqual(digest(given), expected);
}

/** Routes open without credentials: health (load balancers call it) and the UI's static files. */
const PUBLIC_ROUTES = new Set(["/api/health"]);
const UI_ROUTE = "/*";
/**
 * What the UI's catch-all must not serve openly: paths that, spelled another way (`/API/…`,
 * `//metrics`, `/x/../metrics`), a proxy in front or a case-insensitive one would send to a guarded route.
 */
const GUARDED_UI_PATH = /^\/*(api|metrics)(\/|$)/i;

/**
 * Whether a request may pass without credentials. Decided on the route the router matched, not on
 * the URL text: the router decodes percent-escapes and accepts absolute-form request lines, so a
 * text test on `request.url` (`/%61pi/…`, `http://host/api/…`) would let API calls through.
 * A request no route matched needs credentials too (401 before 404).
 */
function isPublic(routeUrl: string | undefined, params: unknown): boolean {
  if (routeUrl === undefined) return false;
  if (PUBLIC_ROUTES.has(routeUrl)) return true;
  if (routeUrl !== UI_ROUTE) return false;
  // The UI's catch-all also matches unknown /api paths and other spellings of /metrics: those stay behind the key.
  // Dot segments are resolved first: a proxy in front may resolve `/x/../api/…` to an API path.
  const rest = posix.normalize(`/${String((params as Record<string, unknown> | undefined)?.["*"] ?? "")}`);
  return !GUARDED_UI_PATH.test(rest);
}

/**
 * How many Authorization headers the request carried. Node keeps only the first of repeated
 * Authorization headers, so a request sending a right and a wrong one (or a key split across two)
 * would be judged on whichever came first: such a request is refused whatever its order.
 */
function authorizationHeaderCount(rawHeaders: string[]): number {
  let count = 0;
  for (let i = 0; i < rawHeaders.length; i += 2) if (rawHeaders[i].length === 13 && rawHeaders[i].toLowerCase() === "authorization") count++;
  return count;
}

/** Guards every route but health and the UI's static files (the login page must load). */
export const authPlugin = fp(async function auth(app: FastifyInstance, opts: AuthOptions) {
  const key = opts.apiKey ? digest(opts.apiKey) : undefined;
  const basic = opts.authString ? digest(opts.authString) : undefined;
  if (!key && !basic) return;
  app.addHook("onRequest", async (request, reply) => {
    if (isPublic(request.routeOptions.url, request.params)) return;
    const header = request.headers.authorization ?? "";
    const [scheme, value = ""] = header.split(" ", 2);
    const single = authorizationHeaderCount(request.raw.rawHeaders) === 1;
    let ok = false;
    if (single && key && /^bearer$/i.test(scheme)) ok = safeEqual(value.trim(), key);
    else if (single && basic && /^basic$/i.test(scheme)) ok = safeEqual(Buffer.from(value.trim(), "base64").toString("utf8"), basic);
    if (!ok) {
      reply
        .code(401)
        .header("WWW-Authenticate", basic ? 'Basic realm="ecsflow"' : "Bearer")
        .send({ detail: header ? "Invalid credentials." : "Authentication required: send Authorization: Bearer <api key> or Basic auth." });
      return reply;
    }
  });
});
