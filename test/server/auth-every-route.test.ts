import type { RouteOptions } from "fastify";
import { sql } from "kysely";
import { createHash } from "node:crypto";
import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ENGINES } from "../support/test-database.js";
import { startTestServer, type TestServer } from "../support/test-server.js";

// Every route in Fastify's route table (the event stream and /metrics included), each tried through
// every spelling an attacker would try without the key: no key, a wrong one, the key in the wrong
// header or in the query, the path percent-encoded letter by letter and slash by slash, doubled
// slashes, dot segments, mixed case, a trailing %2f, an absolute-form request line, Authorization
// split over two headers. Every one answers 401 and the database is byte-for-byte unchanged.
// Requests go over raw sockets (nothing normalises the path), pipelined in batches on a few sockets.

const KEY = "pnu_every_route_key_0123456789";
/** Open without the key, by design (auth.ts's allow-list and the UI's files). */
const PUBLIC = new Set(["GET /api/health", "HEAD /api/health", "GET /*", "HEAD /*"]);
const STREAMING = new Set(["/api/ecsflow/run_events"]);
const BATCH = 60;
const SOCKETS = 6;

interface Probe {
  label: string;
  method: string;
  target: string;
  headers: string[];
  body?: string;
  /** The route answers with a never-ending event stream when it lets the request in. */
  stream?: boolean;
}

/** Each letter, and each slash after the first, percent-encoded in turn; then all of them at once. */
function percentEncoded(path: string): string[] {
  const enc = (c: string) => `%${c.charCodeAt(0).toString(16).padStart(2, "0")}`;
  const out: string[] = [];
  for (let i = 1; i < path.length; i++) if (/[a-z]/i.test(path[i]) || path[i] === "/") out.push(path.slice(0, i) + enc(path[i]) + path.slice(i + 1));
  out.push(path[0] + [...path.slice(1)].map((c) => (/[a-z/]/i.test(c) ? enc(c).toUpperCase() : c)).join(""));
  return out;
}

function doubledSlashes(path: string): string[] {
  const out = [`/${path}`, `${path}/`.replace(/\/+$/, "//")];
  for (let i = 1; i < path.length; i++) if (path[i] === "/") out.push(`${path.slice(0, i)}/${path.slice(i)}`);
  return out;
}

function dotSegments(path: string): string[] {
  const rest = path.replace(/^\/api/, "");
  return [`/x/..${path}`, `/ui/../..${path}`, `/x/%2e%2e${path}`, `/api/x/..${rest}`, `/api/.${rest}`, `/api/%2e${rest}`];
}

function mixedCase(path: string): string[] {
  return [path.toUpperCase(), [...path].map((c, i) => (i % 2 ? c.toUpperCase() : c.toLowerCase())).join(""), path.replace(/^\/api/, "/Api")];
}

/** Every way of asking for `route` without valid credentials. */
function probes(method: string, path: string, port: number, stream: boolean): Probe[] {
  const body = method === "GET" || method === "HEAD" || method === "DELETE" ? undefined : JSON.stringify({ name: "every-route", type: "process", slug: "every-route" });
  const p = (label: string, target: string, headers: string[] = []): Probe => ({ label, method, target, headers, body, stream });
  const spellings = [...percentEncoded(path), ...doubledSlashes(path), ...dotSegments(path), ...mixedCase(path), `${path}%2f`, `${path}%2F`];
  const half = Math.floor(KEY.length / 2);
  return [
    p("no key", path),
    p("wrong key", path, ["Authorization: Bearer pnu_wrong"]),
    p("empty bearer", path, ["Authorization: Bearer "]),
    p("key in X-Api-Key", path, [`X-Api-Key: ${KEY}`]),
    p("key with another scheme", path, [`Authorization: Token ${KEY}`]),
    p("key in Proxy-Authorization", path, [`Proxy-Authorization: Bearer ${KEY}`]),
    p("key in the query", `${path}${path.includes("?") ? "&" : "?"}api_key=${KEY}`),
    ...spellings.map((s) => p(`spelled ${s}`, s)),
    p("absolute-form", `http://127.0.0.1:${port}${path}`),
    p("absolute-form, encoded", `http://127.0.0.1:${port}${percentEncoded(path).at(-1)}`),
    p("absolute-form, other host", `http://localhost${path}`),
    p("Authorization split over two headers", path, ["Authorization: Bearer", `Authorization: ${KEY}`]),
    p("key split over two headers", path, [`Authorization: Bearer ${KEY.slice(0, half)}`, `Authorization: ${KEY.slice(half)}`]),
    p("right key then a wrong one", path, [`Authorization: Bearer ${KEY}`, "Authorization: Bearer pnu_wrong"]),
    p("wrong key then the right one", path, ["Authorization: Bearer pnu_wrong", `Authorization: Bearer ${KEY}`]),
    p("right key spelled in two authorization headers of different case", path, [`authorization: Bearer ${KEY}`, `AUTHORIZATION: Bearer ${KEY}`]),
  ];
}

interface Answer {
  status: number;
  body: string;
}

/**
 * Sends the probes pipelined on one socket and reads the answers in order: status line, headers,
 * then a Content-Length or chunked body (none for HEAD). A request that never gets a complete
 * answer (an event stream let through) fails the batch by name rather than hanging.
 */
function sendPipelined(port: number, batch: Probe[]): Promise<Answer[]> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    const answers: Answer[] = [];
    let buf = Buffer.alloc(0);
    const timer = setTimeout(() => {
      socket.destroy();
      const stuck = batch[answers.length];
      reject(new Error(`no complete answer to ${stuck.method} ${stuck.target} (${stuck.label}) after ${answers.length} of ${batch.length}`));
    }, 15_000);
    const finish = (err?: Error) => {
      clearTimeout(timer);
      socket.destroy();
      if (err) reject(err);
      else resolve(answers);
    };
    socket.on("error", finish);
    socket.on("close", () => (answers.length < batch.length ? finish(new Error(`connection closed after ${answers.length} of ${batch.length} answers; next: ${batch[answers.length]?.target}`)) : undefined));
    socket.on("data", (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      for (;;) {
        const end = buf.indexOf("\r\n\r\n");
        if (end < 0) return;
        const head = buf.subarray(0, end).toString("latin1").split("\r\n");
        const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head[0])?.[1] ?? 0);
        const headers = new Map(head.slice(1).map((l) => [l.slice(0, l.indexOf(":")).toLowerCase(), l.slice(l.indexOf(":") + 1).trim()]));
        const noBody = batch[answers.length].method === "HEAD" || status === 204 || status === 304;
        let bodyEnd = end + 4;
        let body = "";
        if (!noBody && headers.has("content-length")) {
          bodyEnd += Number(headers.get("content-length"));
          if (buf.length < bodyEnd) return;
          body = buf.subarray(end + 4, bodyEnd).toString("utf8");
        } else if (!noBody && headers.get("transfer-encoding") === "chunked") {
          const parts: Buffer[] = [];
          let at = end + 4;
          for (;;) {
            const lineEnd = buf.indexOf("\r\n", at);
            if (lineEnd < 0) return;
            const size = parseInt(buf.subarray(at, lineEnd).toString("latin1"), 16);
            if (buf.length < lineEnd + 2 + size + 2) return;
            parts.push(buf.subarray(lineEnd + 2, lineEnd + 2 + size));
            at = lineEnd + 2 + size + 2;
            if (size === 0) break;
          }
          bodyEnd = at;
          body = Buffer.concat(parts).toString("utf8");
        }
        answers.push({ status, body });
        buf = buf.subarray(bodyEnd);
        if (answers.length === batch.length) return finish();
      }
    });
    const wire = batch.map((q, i) => {
      const lines = [`${q.method} ${q.target} HTTP/1.1`, "Host: 127.0.0.1", ...q.headers];
      if (i === batch.length - 1) lines.push("Connection: close");
      if (q.body !== undefined) lines.push("Content-Type: application/json", `Content-Length: ${Buffer.byteLength(q.body)}`);
      return `${lines.join("\r\n")}\r\n\r\n${q.body ?? ""}`;
    });
    socket.write(wire.join(""));
  });
}

/**
 * One probe on its own socket, answered as soon as its head arrives: for the event stream, whose
 * 200 never ends, so that one let through is reported with the rest instead of stalling a pipeline.
 */
function sendForHead(port: number, q: Probe): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    let text = "";
    // No head at all is an answer too (a stream that holds its headers back): never a 401.
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ status: 0, body: "(no answer)" });
    }, 5_000);
    socket.on("error", reject);
    socket.on("data", (d) => {
      text += String(d);
      const end = text.indexOf("\r\n\r\n");
      if (end < 0) return;
      clearTimeout(timer);
      socket.destroy();
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
      // A refusal's JSON fits in the first packet; a stream's first bytes are all there is.
      resolve({ status, body: status === 401 ? text.slice(end + 4) : "(stream)" });
    });
    socket.write([`${q.method} ${q.target} HTTP/1.1`, "Host: 127.0.0.1", ...q.headers, "Connection: close", "", ""].join("\r\n"));
  });
}

/** Runs every probe, SOCKETS batches at a time; answers come back in the probes' order. */
async function sendAll(port: number, all: Probe[]): Promise<Answer[]> {
  const streaming = all.map((q, i) => ({ q, i })).filter(({ q }) => q.stream);
  const streamed = await Promise.all(streaming.map(({ q }) => sendForHead(port, q)));
  const pipelined = await sendBatches(port, all.filter((q) => !q.stream));
  const out: Answer[] = [];
  let s = 0;
  let p = 0;
  for (const q of all) out.push(q.stream ? streamed[s++] : pipelined[p++]);
  return out;
}

async function sendBatches(port: number, all: Probe[]): Promise<Answer[]> {
  const batches: Probe[][] = [];
  for (let i = 0; i < all.length; i += BATCH) batches.push(all.slice(i, i + BATCH));
  const results: Answer[][] = new Array(batches.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: SOCKETS }, async () => {
      while (next < batches.length) {
        const i = next++;
        results[i] = await sendPipelined(port, batches[i]);
      }
    }),
  );
  return results.flat();
}

/** Every row of every table of this test database, hashed: any write at all changes it. */
async function snapshot(server: TestServer): Promise<{ hash: string; rows: number; tables: number }> {
  const db = server.database.db;
  const names =
    server.database.engine === "sqlite"
      ? (await sql<{ name: string }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name`.execute(db)).rows
      : (await sql<{ name: string }>`select table_name as name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE' order by table_name`.execute(db)).rows;
  const h = createHash("sha256");
  let rows = 0;
  for (const { name } of names) {
    const r = await sql<Record<string, unknown>>`select * from ${sql.table(name)}`.execute(db);
    rows += r.rows.length;
    h.update(name).update(JSON.stringify(r.rows.map((row) => JSON.stringify(row)).sort()));
  }
  return { hash: h.digest("hex"), rows, tables: names.length };
}

describe.each(ENGINES)("every route refuses every spelling without the API key on $engine", ({ engine, available, skipReason }) => {
  let server: TestServer;
  let port: number;
  const routes: RouteOptions[] = [];
  const known: Record<string, string> = {};

  beforeAll(async () => {
    if (!available) return;
    server = await startTestServer(engine, { auth: { apiKey: KEY }, onRoute: (r) => routes.push(r) });
    port = Number(new URL(server.apiUrl).port);
    const auth = { authorization: `Bearer ${KEY}` };
    const ok = async (method: string, path: string, body: unknown) => {
      const r = await server.request(method, path, body, auth);
      if (r.status >= 300) throw new Error(`seed ${method} ${path} → ${r.status} ${JSON.stringify(r.body)}`);
      return r.body;
    };
    // Real records behind the path parameters, so a request that got through would find (and change) them.
    await ok("POST", "/work_pools/", { name: "auth-pool", type: "process" });
    await ok("POST", "/work_pools/auth-pool/queues", { name: "auth-queue" });
    const flow = await ok("POST", "/flows/", { name: "auth-flow" });
    const deployment = await ok("POST", "/deployments/", { name: "auth-dep", flow_id: flow.id, work_pool_name: "auth-pool" });
    const run = await ok("POST", `/deployments/${deployment.id}/create_flow_run`, {});
    const taskRun = await ok("POST", "/task_runs/", { flow_run_id: run.id, task_key: "t", dynamic_key: "0", name: "t-0" });
    Object.assign(known, { flows: flow.id, deployments: deployment.id, flow_runs: run.id, task_runs: taskRun.id, work_pools: "auth-pool", work_pool_name: "auth-pool", queues: "auth-queue", flow_name: "auth-flow", deployment_name: "auth-dep" });
  });
  afterAll(async () => server?.close());

  /** The route's path with each parameter set to a seeded record's id or name where one fits. */
  function concretePath(url: string): string {
    const segments = url.split("/");
    return segments
      .map((s, i) => {
        if (s === "*") return "x";
        const m = /^:(\w+)/.exec(s);
        if (!m) return s;
        return encodeURIComponent(known[m[1]] ?? known[segments[i - 1]] ?? "00000000-0000-0000-0000-000000000000");
      })
      .join("/");
  }

  it.skipIf(!available)(`answers 401 to all of them and writes nothing ${skipReason}`, async () => {
    const guarded = routes.filter((r) => !PUBLIC.has(`${String(r.method)} ${r.url}`));
    // The whole API, /metrics and the event stream: the count only grows as routes are added.
    expect(guarded.length).toBeGreaterThanOrEqual(170);
    expect(guarded.map((r) => `${String(r.method)} ${r.url}`)).toEqual(expect.arrayContaining(["GET /api/ecsflow/run_events", "GET /metrics", "POST /api/work_pools/", "DELETE /api/flows/:id"]));
    const all = guarded.flatMap((r) => probes(String(r.method), concretePath(r.url), port, STREAMING.has(r.url)));

    const before = await snapshot(server);
    expect(before.rows).toBeGreaterThan(5);
    const answers = await sendAll(port, all);
    expect(answers).toHaveLength(all.length);
    const passed = all.map((q, i) => ({ q, a: answers[i] })).filter(({ a }) => a.status !== 401);
    expect(passed.map(({ q, a }) => `${q.method} ${q.target} (${q.label}) → ${a.status} ${a.body.slice(0, 80)}`)).toEqual([]);
    // Every 401 is auth's own answer (not a route's), and says why.
    const bodies = new Set(answers.filter((_, i) => all[i].method !== "HEAD").map((a) => JSON.parse(a.body).detail));
    expect([...bodies].sort()).toEqual(["Authentication required: send Authorization: Bearer <api key> or Basic auth.", "Invalid credentials."]);
    expect(await snapshot(server)).toEqual(before);
    console.log(`${engine}: ${guarded.length} routes, ${all.length} requests without valid credentials, all 401; ${before.tables} tables, ${before.rows} rows unchanged`);

    // The same routes with the key get past auth: the probes above were not refused for another reason.
    const withKey = guarded.filter((r) => !STREAMING.has(r.url)).map((r): Probe => ({ label: "with the key", method: String(r.method), target: concretePath(r.url), headers: [`Authorization: Bearer ${KEY}`] }));
    const keyed = await sendAll(port, withKey);
    expect(withKey.filter((_, i) => keyed[i].status === 401).map((q) => `${q.method} ${q.target}`)).toEqual([]);
  });

  it.skipIf(!available)(`lets the event stream open with the key only ${skipReason}`, async () => {
    const open = (headers: string[]) =>
      new Promise<number>((resolve, reject) => {
        const socket = connect(port, "127.0.0.1");
        socket.on("error", reject);
        socket.once("data", (d) => {
          socket.destroy();
          resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(String(d))?.[1] ?? 0));
        });
        socket.write(["GET /api/ecsflow/run_events HTTP/1.1", "Host: 127.0.0.1", ...headers, "", ""].join("\r\n"));
      });
    expect(await open([])).toBe(401);
    expect(await open([`Authorization: Bearer ${KEY}`])).toBe(200);
  });
});
