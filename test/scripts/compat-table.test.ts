import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  currentCompatTable,
  prefectOperations,
  renderCompatTable,
  WHY_MISSING,
  routesOutsidePrefect,
  serverRouteTable,
  spliceCompatTable,
  TABLE_END,
  TABLE_START,
  type OpenApiPaths,
} from "../../scripts/prefect-compat-table.js";
import { openApiAvailable, openApiFile } from "../support/openapi-contract.js";
import { repoRoot } from "../support/reference-file.js";

// README.md's Prefect API compatibility table (npm run compat-table) is generated from the route
// table and Prefect's OpenAPI file; here it is regenerated and compared, so it cannot drift.

const doc: OpenApiPaths = {
  info: { title: "Prefect REST API", version: "v3" },
  paths: {
    "/flows/": { post: { tags: ["Flows"] } },
    "/flows/{id}": { get: { tags: ["Flows"] }, delete: { tags: ["Flows"] } },
    "/work_pools/{work_pool_name}/queues/{name}": { patch: { tags: ["Work Pools"] } },
    "/events": { post: { tags: ["Events"] } },
    "/events/filter": { post: { tags: ["Events"] } },
    "/events/count-by/{countable}": { post: { tags: ["Events"] } },
    "/events/filter/next": { get: { tags: ["Events"] } },
    "/csrf-token": { get: {} },
  },
};
const routes = [
  { method: "POST", url: "/api/flows" },
  { method: ["GET", "HEAD"], url: "/api/flows/:id" },
  { method: "PATCH", url: "/api/work_pools/:pool/queues/:queue" },
  { method: "GET", url: "/api/ecsflow/capabilities" },
  { method: "GET", url: "/api/ui/flow_runs/history" },
  { method: "GET", url: "/*" },
];

describe("compat table", () => {
  it("matches routes to Prefect's operations whatever the parameter names and trailing slashes", () => {
    const ops = prefectOperations(doc, routes);
    expect(ops.filter((op) => op.implemented).map((op) => `${op.method} ${op.path}`)).toEqual(["POST /flows/", "GET /flows/{id}", "PATCH /work_pools/{work_pool_name}/queues/{name}"]);
    expect(ops.find((op) => op.path === "/csrf-token")?.area).toBe("Other");
  });

  it("lists API routes outside Prefect's file, leaving out HEAD and the UI's catch-all", () => {
    expect(routesOutsidePrefect(doc, routes)).toEqual(["GET /ecsflow/capabilities", "GET /ui/flow_runs/history"]);
  });

  it("renders a summary line and one row per area, missing operations named or summed up", () => {
    const lines = renderCompatTable(doc, routes).split("\n");
    expect(lines[0]).toBe("**3 of 9** operations of Prefect's REST API (OpenAPI file v3) are implemented; ecsflow adds 1 route of its own under `/api/ecsflow/`.");
    expect(lines).toContain(`| Flows | 2 / 3 | \`DELETE /flows/{id}\` | ${WHY_MISSING.Flows} |`);
    expect(lines).toContain("| Work Pools | 1 / 1 | — |  |");
    expect(lines).toContain(`| Events | 0 / 4 | all (\`/events/…\`) | ${WHY_MISSING.Events} |`);
    expect(lines).toContain("| Other | 0 / 1 | `GET /csrf-token` | not built yet |");
    expect(lines.at(-1)).toBe("Also served, not in Prefect's OpenAPI file: `GET /ui/flow_runs/history`.");
  });

  it("writes between the markers only, and refuses a README without them", () => {
    const readme = `# x\n\n${TABLE_START}\nold\n${TABLE_END}\n\nafter\n`;
    const once = spliceCompatTable(readme, "new table");
    expect(once).toBe(`# x\n\n${TABLE_START}\nnew table\n${TABLE_END}\n\nafter\n`);
    expect(spliceCompatTable(once, "new table")).toBe(once);
    expect(currentCompatTable(once)).toBe("new table");
    expect(() => spliceCompatTable("# no markers\n", "t")).toThrow(/no <!-- compat-table -->/);
  });

  it.skipIf(!openApiAvailable)("README.md's table is the one the current routes give (else: npm run compat-table) (skipped when shared/reference/prefect-rest-api.openapi.json is absent)", async () => {
    const prefect = JSON.parse(readFileSync(openApiFile!, "utf8")) as OpenApiPaths;
    const table = renderCompatTable(prefect, await serverRouteTable());
    const readme = readFileSync(join(repoRoot, "README.md"), "utf8");
    expect(currentCompatTable(readme), "README.md's compatibility table is stale: run npm run compat-table").toBe(table);
    expect(prefectOperations(prefect, []).length).toBeGreaterThan(100);
  });
});
