// Which operations of Prefect's REST API ecsflow's server implements, found by comparing the
// server's own route table (buildApp's onRoute) with Prefect's OpenAPI file, and rendered as the
// Markdown that README.md carries between its compat-table markers. Nothing here is written by
// hand: a route added or removed changes the table the next time it is generated
// (`npm run compat-table`), and test/scripts/compat-table.test.ts fails while README.md's copy is stale.

import type { RouteOptions } from "fastify";
import { buildApp } from "../packages/server/src/app.js";
import { openDatabase } from "../packages/server/src/database/index.js";

export interface OpenApiPaths {
  info?: { title?: string; version?: string };
  paths: Record<string, Record<string, { tags?: string[] }>>;
}

/** What the table needs of a Fastify route. */
export interface RouteEntry {
  method: string | string[];
  url: string;
}

export interface PrefectOperation {
  method: string;
  /** As Prefect's file spells it: `/flow_runs/{id}/set_state`. */
  path: string;
  /** The operation's first OpenAPI tag (Prefect groups its API by them). */
  area: string;
  implemented: boolean;
}

export const TABLE_START = "<!-- compat-table -->";
export const TABLE_END = "<!-- /compat-table -->";

const HTTP_METHODS = new Set(["get", "put", "post", "patch", "delete"]);
/** Routes ecsflow adds beyond Prefect's API (DESIGN.md: extensions are additive). */
const ECSFLOW_PREFIX = "/ecsflow/";

/** `/flow_runs/{id}/` and `/flow_runs/:id` both become `/flow_runs/{}`: parameter names differ between the two. */
function pathShape(path: string): string {
  return path.replace(/\{[^}]+\}/g, "{}").replace(/:[^/]+/g, "{}").replace(/\/+$/, "");
}

/** `GET /flow_runs/{}` for every API route of the server (HEAD, which Fastify adds to each GET, left out). */
function routeKeys(routes: readonly RouteEntry[]): Map<string, string> {
  const keys = new Map<string, string>();
  for (const route of routes) {
    if (!route.url.startsWith("/api/")) continue;
    const path = route.url.slice("/api".length);
    for (const method of [route.method].flat()) {
      if (method === "HEAD") continue;
      keys.set(`${method} ${pathShape(path)}`, `${method} ${path}`);
    }
  }
  return keys;
}

/** Every operation of Prefect's file, in its order, with whether the server has a route for it. */
export function prefectOperations(doc: OpenApiPaths, routes: readonly RouteEntry[]): PrefectOperation[] {
  const served = routeKeys(routes);
  const operations: PrefectOperation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      if (!HTTP_METHODS.has(method)) continue;
      const upper = method.toUpperCase();
      operations.push({ method: upper, path, area: operation.tags?.[0] ?? "Other", implemented: served.has(`${upper} ${pathShape(path)}`) });
    }
  }
  return operations;
}

/** API routes of the server that Prefect's file does not have, as `METHOD /path` (without /api). */
export function routesOutsidePrefect(doc: OpenApiPaths, routes: readonly RouteEntry[]): string[] {
  const prefect = new Set(prefectOperations(doc, []).map((op) => `${op.method} ${pathShape(op.path)}`));
  return [...routeKeys(routes)].filter(([shape]) => !prefect.has(shape)).map(([, route]) => route);
}

const code = (s: string) => `\`${s}\``;

/** The not-implemented column: each operation, or one line for an area none of which is served. */
function missingCell(ops: readonly PrefectOperation[]): string {
  const missing = ops.filter((op) => !op.implemented);
  if (missing.length === 0) return "—";
  if (missing.length === ops.length && missing.length > 3) {
    const roots = [...new Set(ops.map((op) => `/${op.path.split("/")[1]}/…`))];
    return `all (${roots.map(code).join(", ")})`;
  }
  return missing.map((op) => code(`${op.method} ${op.path}`)).join(", ");
}

/**
 * Why an area's missing operations are missing. Judged from what Prefect's worker, flow engine and
 * CLI call (a missing operation they call is a bug, not a row here); an area without a reason says
 * "not built yet", so a new gap shows as such.
 */
export const WHY_MISSING: Record<string, string> = {
  Root: "a greeting; no Prefect client path needs it",
  Flows: "bulk and paginated reads of Prefect 3's UI; the worker, engine and CLI use filter/count",
  "Flow Runs": "the run graph, lateness and log download feed Prefect's UI (ecsflow's UI has its own views); bulk and paginated variants are Prefect 3 UI additions",
  "Task Runs": "the flow engine only creates task runs and sets their states; history and paginate feed Prefect's UI",
  Deployments: "pause/resume and bulk operations: set `paused` with PATCH; the rest feed Prefect 3's UI",
  SavedSearches: "a Prefect UI feature; ecsflow's UI keeps its filters in the URL",
  "Work Pools": "not built yet",
  "Task Workers": "Prefect 3's background task workers; ecsflow runs tasks inside the flow run's task",
  Collections: "Prefect's integration catalogue, fetched from the internet; nothing to serve offline",
  Events: "Prefect 3's event system; ecsflow streams run events at `/api/ecsflow/run_events`",
  Automations: "Prefect 3's automations; ecsflow sends webhook notifications (`/api/ecsflow/notifications`)",
  Admin: "server settings and storage are set by `ecsflow config` and the database URL, not over the API",
};

/** The Markdown between the README markers: a summary line and one row per Prefect area. */
export function renderCompatTable(doc: OpenApiPaths, routes: readonly RouteEntry[]): string {
  const operations = prefectOperations(doc, routes);
  const areas = new Map<string, PrefectOperation[]>();
  for (const op of operations) areas.set(op.area, [...(areas.get(op.area) ?? []), op]);
  const implemented = operations.filter((op) => op.implemented).length;
  const outside = routesOutsidePrefect(doc, routes);
  const own = outside.filter((r) => r.split(" ")[1].startsWith(ECSFLOW_PREFIX));
  const other = outside.filter((r) => !own.includes(r));
  const version = doc.info?.version ? ` (OpenAPI file ${doc.info.version})` : "";
  const lines = [
    `**${implemented} of ${operations.length}** operations of Prefect's REST API${version} are implemented; ecsflow adds ${own.length} route${own.length === 1 ? "" : "s"} of its own under \`/api/ecsflow/\`.`,
    "",
    "| Prefect area | Implemented | Not implemented | Why not |",
    "|---|---|---|---|",
    ...[...areas].map(([area, ops]) => {
      const done = ops.filter((op) => op.implemented).length;
      const why = done === ops.length ? "" : (WHY_MISSING[area] ?? "not built yet");
      return `| ${area} | ${done} / ${ops.length} | ${missingCell(ops)} | ${why} |`;
    }),
  ];
  if (other.length > 0) lines.push("", `Also served, not in Prefect's OpenAPI file: ${other.map(code).join(", ")}.`);
  return lines.join("\n");
}

/** README.md with the text between the markers replaced; throws when the markers are missing. */
export function spliceCompatTable(readme: string, table: string): string {
  const start = readme.indexOf(TABLE_START);
  const end = readme.indexOf(TABLE_END);
  if (start < 0 || end < start) throw new Error(`README.md has no ${TABLE_START} … ${TABLE_END} markers to write the table between.`);
  return `${readme.slice(0, start + TABLE_START.length)}\n${table}\n${readme.slice(end)}`;
}

/** The text between the markers (undefined without them). */
export function currentCompatTable(readme: string): string | undefined {
  const start = readme.indexOf(TABLE_START);
  const end = readme.indexOf(TABLE_END);
  if (start < 0 || end < start) return undefined;
  return readme.slice(start + TABLE_START.length, end).trim();
}

/** The server's route table: an app built over an in-memory SQLite database, never listening. */
export async function serverRouteTable(): Promise<RouteEntry[]> {
  const routes: RouteEntry[] = [];
  const database = await openDatabase({ url: "sqlite::memory:" });
  const app = await buildApp({ database, closeDatabase: true, onRoute: (route: RouteOptions) => routes.push({ method: route.method, url: route.url }) });
  await app.ready();
  await app.close();
  return routes;
}
