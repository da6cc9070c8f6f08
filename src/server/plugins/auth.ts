import { createHash, timingSafeEqual } from "node:crypto";
import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";

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

/** Guards /api/* except /api/health; UI assets stay public so the login page can load. */
export const authPlugin = fp(async function auth(app: FastifyInstance, opts: AuthOptions) {
  const key = opts.apiKey ? digest(opts.apiKey) : undefined;
  const basic = opts.authString ? digest(opts.authString) : undefined;
  if (!key && !basic) return;
  app.addHook("onRequest", async (request, reply) => {
    const path = request.url.split("?")[0];
    if (!path.startsWith("/api/") && path !== "/api") return;
    if (path === "/api/health") return;
    const header = request.headers.authorization ?? "";
    const [scheme, value = ""] = header.split(" ", 2);
    let ok = false;
    if (key && /^bearer$/i.test(scheme)) ok = safeEqual(value.trim(), key);
    else if (basic && /^basic$/i.test(scheme)) ok = safeEqual(Buffer.from(value.trim(), "base64").toString("utf8"), basic);
    if (!ok) {
      reply
        .code(401)
        .header("WWW-Authenticate", basic ? 'Basic realm="ecsflow"' : "Bearer")
        .send({ detail: header ? "Invalid credentials." : "Authentication required: send Authorization: Bearer <api key> or Basic auth." });
      return reply;
    }
  });
});
