import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ENGINES } from "../support/test-database.js";
import { startTestServer, type TestServer } from "../support/test-server.js";

describe.each(ENGINES)("work pool base job templates on $engine", ({ engine, available, skipReason }) => {
  let server: TestServer;
  beforeAll(async () => {
    if (available) server = await startTestServer(engine);
  });
  afterAll(async () => server?.close());

  it.skipIf(!available)(`gives ecs and process pools their default template when created empty ${skipReason}`, async () => {
    for (const type of ["ecs", "process"]) {
      const r = await server.request("POST", "/work_pools/", { name: `tmpl-${type}`, type });
      expect(r.status).toBe(201);
      expect(Object.keys(r.body.base_job_template)).toEqual(["job_configuration", "variables"]);
      expect(r.body.base_job_template.variables.properties).toHaveProperty("command");
    }
    const ecs = await server.request("GET", "/work_pools/tmpl-ecs");
    expect(ecs.body.base_job_template.variables.properties).toHaveProperty("image");
    expect(ecs.body.base_job_template.variables.properties).toHaveProperty("api_key_secret_arn");
  });

  it.skipIf(!available)(`keeps an empty template for types without a default ${skipReason}`, async () => {
    const r = await server.request("POST", "/work_pools/", { name: "tmpl-other", type: "kubernetes" });
    expect(r.status).toBe(201);
    expect(r.body.base_job_template).toEqual({});
  });

  it.skipIf(!available)(`refuses a template with an undeclared placeholder, naming it, and creates nothing ${skipReason}`, async () => {
    const bad = { job_configuration: { command: "{{ command }}", image: "{{ image }}" }, variables: { type: "object", properties: { command: { type: "string" } } } };
    const r = await server.request("POST", "/work_pools/", { name: "tmpl-bad", type: "process", base_job_template: bad });
    expect(r.status).toBe(422);
    expect(r.body.detail[0].loc.slice(0, 2)).toEqual(["body", "base_job_template"]);
    expect(JSON.stringify(r.body.detail)).toContain("image");
    expect((await server.request("GET", "/work_pools/tmpl-bad")).status).toBe(404);
  });

  it.skipIf(!available)(`refuses an update whose default breaks its schema and keeps the old template ${skipReason}`, async () => {
    await server.request("POST", "/work_pools/", { name: "tmpl-upd", type: "process" });
    const before = (await server.request("GET", "/work_pools/tmpl-upd")).body.base_job_template;
    const bad = { job_configuration: { cpu: "{{ cpu }}" }, variables: { type: "object", properties: { cpu: { type: "integer", default: "lots" } } } };
    const r = await server.request("PATCH", "/work_pools/tmpl-upd", { base_job_template: bad });
    expect(r.status).toBe(422);
    expect(JSON.stringify(r.body.detail)).toContain("cpu");
    expect((await server.request("GET", "/work_pools/tmpl-upd")).body.base_job_template).toEqual(before);
  });
});
