import type { RouteOptions } from "fastify";
import fc from "fast-check";
import { sql } from "kysely";
import { createHash } from "node:crypto";
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ENGINES } from "../support/test-database.js";
import { startTestServer, type TestServer } from "../support/test-server.js";

// Every route in Fastify's route table, with bodies, path params and query strings generated from
// the route's own schemas and salted with hostile values (10 KB strings, NUL, unpaired surrogates,
// 1e308, fractions where integers go, deep nesting, wrong content types, %00 in the path). The
// server never answers 5xx, the keep-alive connection stays usable, and a rejected request
// writes nothing.

const TABLES = ["flow", "deployment", "deployment_schedule", "flow_run", "flow_run_state", "task_run", "task_run_state", "work_pool", "work_queue", "worker", "log"] as const;
// A server-sent event stream answers 200 and never ends; its query string is still checked below
// through the same generator by a bounded read.
const STREAMING = new Set(["/api/ecsflow/run_events"]);
const RUNS_PER_ROUTE = 16;

async function snapshot(server: TestServer): Promise<string> {
  const h = createHash("sha256");
  for (const table of TABLES) {
    const rows = await sql<Record<string, unknown>>`select * from ${sql.table(table)} order by id`.execute(server.database.db);
    h.update(table).update(JSON.stringify(rows.rows));
  }
  return h.digest("hex");
}

type Schema = Record<string, any>;

const deep = (n: number): unknown => Array.from({ length: n }).reduce<unknown>((acc) => ({ a: [acc] }), 1);
const hostileString = fc.constantFrom("x".repeat(10_000), "é".repeat(300), "a\u0000b", "\u0000", "\ud800", "x\udc00y", "", "%00", "../..", "😀".repeat(200));
const hostile = fc.oneof(
  hostileString,
  fc.constantFrom(1e308, -1e308, 1.5, 2 ** 31, -(2 ** 31) - 1, 2 ** 53, -1, 0, null, true, [], {}),
  fc.constant(deep(200)),
  fc.constant({ "\u0000": "k" }),
  fc.constant({ nested: { s: "\ud83d" } }),
);

function typesOf(s: Schema): string[] {
  return Array.isArray(s.type) ? s.type : s.type ? [s.type] : [];
}

/** A value that fits the schema, or nearly: leaves are sometimes hostile. */
function fromSchema(s: Schema | undefined, depth = 0): fc.Arbitrary<unknown> {
  if (!s || typeof s !== "object") return fc.jsonValue({ maxDepth: 2 });
  const alternatives = s.anyOf ?? s.oneOf;
  if (alternatives) return fc.oneof(...alternatives.map((a: Schema) => fromSchema(a, depth)));
  if (s.const !== undefined) return fc.constant(s.const);
  if (s.enum) return fc.constantFrom(...s.enum);
  const types = typesOf(s);
  if (types.length === 0) return fc.oneof(fc.jsonValue({ maxDepth: 3 }), hostile);
  const arbs = types.map((type): fc.Arbitrary<unknown> => {
    switch (type) {
      case "null":
        return fc.constant(null);
      case "boolean":
        return fc.boolean();
      case "integer":
        return fc.integer({ min: s.minimum ?? -5, max: s.maximum ?? 1000 });
      case "number":
        return fc.double({ min: s.minimum ?? -5, max: s.maximum ?? 1e6, noNaN: true });
      case "string":
        if (s.format === "uuid") return fc.uuid();
        if (s.format === "date-time") return fc.date({ min: new Date("2000-01-01"), max: new Date("2100-01-01"), noInvalidDate: true }).map((d) => d.toISOString());
        return fc.string({ maxLength: 12 }).map((v) => v.replace(/[/%&><]/g, "a") || "a");
      case "array":
        return depth > 4 ? fc.constant([]) : fc.array(fromSchema(s.items, depth + 1), { maxLength: 3 });
      case "object": {
        if (depth > 4) return fc.constant({});
        const props = Object.entries((s.properties ?? {}) as Record<string, Schema>);
        const required = new Set<string>(s.required ?? []);
        const record: Record<string, fc.Arbitrary<unknown>> = {};
        for (const [k, v] of props) record[k] = fromSchema(v, depth + 1);
        const fixed = fc.record(record, { requiredKeys: props.map(([k]) => k).filter((k) => required.has(k)) });
        const extra = s.patternProperties ? Object.values(s.patternProperties as Record<string, Schema>)[0] : undefined;
        return extra ? fc.dictionary(fc.string({ maxLength: 8 }), fromSchema(extra, depth + 1), { maxKeys: 3 }) : fixed;
      }
      default:
        return fc.jsonValue({ maxDepth: 1 });
    }
  });
  const fitting = arbs.length === 1 ? arbs[0] : fc.oneof(...arbs);
  return fc.oneof({ weight: 3, arbitrary: fitting }, { weight: 1, arbitrary: hostile });
}

interface Case {
  path: string;
  body?: string;
  contentType?: string;
}

interface Reply {
  status: number;
  text: string;
  reused: boolean;
}

/** One request on the given keep-alive agent (one socket), read to the end. */
function send(agent: http.Agent, base: URL, method: string, c: Case): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {};
    if (c.contentType) headers["content-type"] = c.contentType;
    const req = http.request({ agent, host: base.hostname, port: base.port, method, path: c.path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (d: Buffer) => chunks.push(d));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8"), reused: req.reusedSocket }));
    });
    req.on("error", reject);
    if (c.body !== undefined) req.write(c.body);
    req.end();
  });
}

describe.each(ENGINES)("every route with schema-generated hostile input on $engine", ({ engine, available, skipReason }) => {
  let server: TestServer;
  const routes: RouteOptions[] = [];
  const known: Record<string, string> = {};

  beforeAll(async () => {
    if (!available) return;
    server = await startTestServer(engine, { onRoute: (r) => routes.push(r) });
    const ok = async (method: string, path: string, body: unknown) => {
      const r = await server.request(method, path, body);
      if (r.status >= 300) throw new Error(`seed ${method} ${path} → ${r.status} ${JSON.stringify(r.body)}`);
      return r.body;
    };
    await ok("POST", "/work_pools/", { name: "fuzz-pool", type: "process" });
    await ok("POST", "/work_pools/fuzz-pool/queues", { name: "fuzz-queue" });
    const flow = await ok("POST", "/flows/", { name: "fuzz-flow" });
    const deployment = await ok("POST", "/deployments/", { name: "fuzz-dep", flow_id: flow.id, work_pool_name: "fuzz-pool" });
    const run = await ok("POST", `/deployments/${deployment.id}/create_flow_run`, {});
    const taskRun = await ok("POST", "/task_runs/", { flow_run_id: run.id, task_key: "t", dynamic_key: "0", name: "t-0" });
    Object.assign(known, { flows: flow.id, deployments: deployment.id, flow_runs: run.id, task_runs: taskRun.id, work_pools: "fuzz-pool", queues: "fuzz-queue", flow_name: "fuzz-flow", deployment_name: "fuzz-dep" });
  });
  afterAll(async () => server?.close());

  /** A real value for a path parameter, from the segment before it (so some requests reach the handler). */
  function realParam(url: string, param: string): string {
    const segments = url.split("/");
    const at = segments.findIndex((s) => s === `:${param}` || s.includes(`:${param}`));
    const before = segments[at - 1] ?? "";
    return known[param] ?? known[before] ?? "00000000-0000-0000-0000-000000000000";
  }

  function cases(route: RouteOptions): fc.Arbitrary<Case> {
    const schema = (route.schema ?? {}) as Schema;
    const params = [...route.url.matchAll(/:(\w+)/g)].map((m) => m[1]);
    const hostileParam = fc.constantFrom("%00", "a%00b", "%ED%A0%80", "%", "x".repeat(300), "%F0%9F%98%80");
    const paramArbs = params.map((p) => fc.oneof({ weight: 3, arbitrary: fc.constant(encodeURIComponent(realParam(route.url, p))) }, { weight: 2, arbitrary: hostileParam }));
    const query = schema.querystring
      ? fromSchema(schema.querystring).map((q) =>
          q && typeof q === "object" && !Array.isArray(q)
            ? Object.entries(q as Record<string, unknown>)
                .map(([k, v]) => `${encodeURIComponent(k)}=${typeof v === "string" ? v.replace(/[\ud800-\udfff]/g, "%ED%A0%80").replaceAll("\u0000", "%00") : encodeURIComponent(JSON.stringify(v))}`)
                .join("&")
            : "",
        )
      : fc.constantFrom("", "limit=1e308", "x=%00");
    const hasBody = route.method !== "GET" && route.method !== "DELETE";
    const body = hasBody
      ? fc.oneof(
          { weight: 6, arbitrary: fromSchema(schema.body).map((b) => ({ body: JSON.stringify(b), contentType: "application/json" })) },
          { weight: 1, arbitrary: fc.constantFrom({ body: "{", contentType: "application/json" }, { body: "name=x", contentType: "text/plain" }, { body: '{"a":1}', contentType: undefined }, { body: `${'{"a":['.repeat(5000)}1${"]}".repeat(5000)}`, contentType: "application/json" }) },
        )
      : fc.constant({ body: undefined as string | undefined, contentType: undefined as string | undefined });
    return fc.tuple(fc.tuple(...paramArbs), query, body).map(([values, q, b]) => {
      let path = route.url;
      params.forEach((p, i) => (path = path.replace(new RegExp(`:${p}(\\|:\\w+)?`), values[i])));
      return { path: q ? `${path}?${q}` : path, ...b };
    });
  }

  it.skipIf(!available)(`never answers 5xx, keeps the connection, and writes nothing on rejection ${skipReason}`, async () => {
    const tested = routes.filter((r) => r.method !== "HEAD" && r.url.startsWith("/api/") && !STREAMING.has(r.url));
    expect(tested.length).toBeGreaterThanOrEqual(50);
    const base = new URL(server.apiUrl);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const failures: string[] = [];
    const counts = { requests: 0, rejected: 0, accepted: 0, serverErrors: 0, followUpsReused: 0 };
    try {
      for (const route of tested) {
        const method = String(route.method);
        await fc.assert(
          fc.asyncProperty(cases(route), async (c) => {
            const before = await snapshot(server);
            const res = await send(agent, base, method, c);
            counts.requests++;
            if (res.status >= 500) {
              counts.serverErrors++;
              failures.push(`${method} ${c.path.slice(0, 120)} ${String(c.body).slice(0, 120)} → ${res.status} ${res.text.slice(0, 200)}`);
            } else if (res.status >= 400) {
              counts.rejected++;
              expect(res.text.length, "every rejection says what is wrong").toBeGreaterThan(0);
              expect(await snapshot(server), `${method} ${c.path} changed data while answering ${res.status}`).toBe(before);
            } else counts.accepted++;
            // The same socket still serves: no half-read body, no destroyed connection.
            const followUp = await send(agent, base, "GET", { path: "/api/health" });
            expect(followUp.status).toBe(200);
            if (followUp.reused) counts.followUpsReused++;
          }),
          { numRuns: RUNS_PER_ROUTE, seed: 19 },
        );
      }
    } finally {
      agent.destroy();
    }
    console.log(`${engine}: ${tested.length} routes, ${JSON.stringify(counts)}`);
    expect(failures).toEqual([]);
    expect(counts.rejected).toBeGreaterThan(tested.length);
    expect(counts.followUpsReused).toBeGreaterThan(counts.requests / 2);
  });
});
