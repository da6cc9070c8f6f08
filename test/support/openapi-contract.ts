// Contract checks against Prefect's REST API schema (shared/reference/prefect-rest-api.openapi.json,
// OpenAPI 3.1, paths relative to /api): DESIGN.md says every response of an endpoint we implement
// validates against that file's components.
//
//   it.skipIf(!openApiAvailable)("GET /flow_runs/{id} matches Prefect's schema (skipped: OpenAPI reference absent)", async () => {
//     const res = await app.inject({ method: "GET", url: `/api/flow_runs/${id}` });
//     expectResponseMatches("GET", "/flow_runs/{id}", res.statusCode, res.json());
//   });
//
// OpenAPI 3.1 schemas are JSON Schema 2020-12, so Ajv's 2020 flavour validates them. Each
// component is registered under its own id and `#/components/schemas/X` refs are rewritten to it.
// Keywords that are OpenAPI's or pydantic's (`discriminator`, `example`, `deprecated`,
// `supported_environment_variables`, …) are ignored; formats are checked by ajv-formats (`uuid`,
// `date-time` with a time zone, `uri`, `duration`), except Prefect's own (`password`, `path`,
// `time-delta`), which accept anything.
//
// Statuses: the file documents what FastAPI could see statically. Routes that choose 201 or 200 at
// run time (POST /flows/, /flow_runs/, /task_runs/, /deployments/, set_state, create_flow_run)
// are documented as 200 only, so a 2xx status the file does not list falls back to the route's
// one documented 2xx response. CONTROL_PLANE_ENDPOINTS records the statuses Prefect really answers.

import { readFileSync } from "node:fs";
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import addFormatsImport from "ajv-formats";
import { toTemplateErrors, type JsonValue } from "../../packages/schemas/src/index.js";
import { referenceFile } from "./reference-file.js";

const addFormats = ((addFormatsImport as unknown as { default?: unknown }).default ?? addFormatsImport) as typeof addFormatsImport.default;

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
type Schema = Record<string, unknown>;

interface OpenApiDocument {
  paths: Record<string, Record<string, { responses?: Record<string, { content?: Record<string, { schema?: Schema }> }> }>>;
  components: { schemas: Record<string, Schema> };
}

export const openApiFile: string | undefined = referenceFile("prefect-rest-api.openapi.json");
/** False in a clone without shared/reference: guard contract tests with `it.skipIf(!openApiAvailable)`. */
export const openApiAvailable: boolean = openApiFile !== undefined;

const COMPONENT_ID = "https://ecsflow.invalid/prefect-openapi/components/";
const PREFECT_FORMATS = ["password", "path", "time-delta", "file-path", "json"];

let loaded: { doc: OpenApiDocument; ajv: Ajv2020 } | undefined;
const validators = new Map<string, ValidateFunction>();

function load(): { doc: OpenApiDocument; ajv: Ajv2020 } {
  if (loaded) return loaded;
  if (!openApiFile) throw new Error("shared/reference/prefect-rest-api.openapi.json is absent: guard this test with it.skipIf(!openApiAvailable)");
  const doc = JSON.parse(readFileSync(openApiFile, "utf8")) as OpenApiDocument;
  const ajv = new Ajv2020({ strict: false, allErrors: true, logger: false });
  addFormats(ajv);
  for (const f of PREFECT_FORMATS) ajv.addFormat(f, true);
  for (const [name, schema] of Object.entries(doc.components.schemas)) {
    ajv.addSchema(rewriteRefs(schema) as Schema, COMPONENT_ID + name);
  }
  loaded = { doc, ajv };
  return loaded;
}

function rewriteRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(rewriteRefs);
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = k === "$ref" && typeof v === "string" && v.startsWith("#/components/schemas/") ? COMPONENT_ID + v.slice("#/components/schemas/".length) : rewriteRefs(v);
  }
  return out;
}

/** The file's spelling of a path: `/api` prefix and trailing-slash differences forgiven; concrete ids matched to `{param}`s. */
export function openApiPath(method: HttpMethod, path: string): string {
  const { doc } = load();
  const m = method.toLowerCase();
  const bare = path.replace(/^\/api(?=\/)/, "").replace(/\?.*$/, "");
  for (const candidate of [bare, bare.endsWith("/") ? bare.slice(0, -1) : `${bare}/`]) {
    if (doc.paths[candidate]?.[m]) return candidate;
  }
  // A concrete path (`/flow_runs/0b4f…`): the template with the most literal segments that fits.
  const segments = bare.replace(/\/$/, "").split("/");
  let best: { path: string; literals: number } | undefined;
  for (const [template, item] of Object.entries(doc.paths)) {
    if (!item[m]) continue;
    const parts = template.replace(/\/$/, "").split("/");
    if (parts.length !== segments.length) continue;
    let literals = 0;
    const fits = parts.every((p, i) => {
      if (/^\{[^}]+\}$/.test(p)) return segments[i] !== "";
      if (p === segments[i]) literals++;
      return p === segments[i];
    });
    if (fits && (!best || literals > best.literals)) best = { path: template, literals };
  }
  if (best) return best.path;
  const near = Object.keys(doc.paths).filter((p) => p.split("/")[1] === bare.split("/")[1]);
  throw new Error(`${method} ${path} is not in Prefect's OpenAPI file. Paths under /${bare.split("/")[1]}: ${near.join(", ") || "none"}`);
}

/**
 * The JSON Schema of a response (refs rewritten to registered component ids), or null when the
 * response has no body (204). Throws when the file documents no such operation or status.
 */
export function responseSchema(method: HttpMethod, path: string, status: number | "default"): Schema | null {
  const { doc } = load();
  const specPath = openApiPath(method, path);
  const responses = doc.paths[specPath][method.toLowerCase()].responses ?? {};
  let response = responses[String(status)] ?? responses.default;
  if (!response && typeof status === "number" && status >= 200 && status < 300) {
    const documented2xx = Object.keys(responses).filter((s) => /^2\d\d$/.test(s));
    if (documented2xx.length === 1) response = responses[documented2xx[0]];
  }
  if (!response) throw new Error(`${method} ${specPath} documents no ${status} response (documented: ${Object.keys(responses).join(", ")})`);
  const schema = response.content?.["application/json"]?.schema;
  return schema === undefined ? null : (rewriteRefs(schema) as Schema);
}

/** Problems of a body against a response schema, one line each (`/0/state/type: must be …`); [] when it matches. */
export function responseErrors(method: HttpMethod, path: string, status: number | "default", body: unknown): string[] {
  const schema = responseSchema(method, path, status);
  if (schema === null) return body === undefined || body === null || body === "" ? [] : [`(body): must be empty for ${status}, got ${JSON.stringify(body).slice(0, 80)}`];
  const key = `${method} ${openApiPath(method, path)} ${status}`;
  let validate = validators.get(key);
  if (!validate) {
    validate = load().ajv.compile(schema);
    validators.set(key, validate);
  }
  return run(validate, body);
}

/** Problems of a body against a component (`FlowRun`, `OrchestrationResult`, …); [] when it matches. */
export function componentErrors(name: string, body: unknown): string[] {
  const { ajv, doc } = load();
  if (!doc.components.schemas[name]) throw new Error(`Prefect's OpenAPI file has no component ${name}`);
  const validate = ajv.getSchema(COMPONENT_ID + name)!;
  return run(validate, body);
}

function run(validate: ValidateFunction, body: unknown): string[] {
  if (validate(body)) return [];
  return toTemplateErrors(validate.errors ?? [], body as JsonValue).map((e) => `${e.loc.length ? `/${e.loc.join("/")}` : "(body)"}: ${e.msg}`);
}

export function expectResponseMatches(method: HttpMethod, path: string, status: number | "default", body: unknown): void {
  const errors = responseErrors(method, path, status, body);
  if (errors.length > 0) throw new Error(`${method} ${path} ${status}: the body does not match Prefect's OpenAPI schema:\n  ${errors.join("\n  ")}`);
}

export function expectMatchesComponent(name: string, body: unknown): void {
  const errors = componentErrors(name, body);
  if (errors.length > 0) throw new Error(`The body does not match Prefect's component ${name}:\n  ${errors.join("\n  ")}`);
}

export { CONTROL_PLANE_ENDPOINTS, type ContractEndpoint } from "./control-plane-endpoints.js";
