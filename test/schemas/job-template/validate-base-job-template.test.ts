import { describe, expect, it } from "vitest";
import { validateBaseJobTemplate, type JsonRecord } from "../../../packages/schemas/src/index.js";

const variables = (properties: JsonRecord, extra: JsonRecord = {}): JsonRecord => ({ type: "object", properties, ...extra });
const template = (job_configuration: JsonRecord, properties: JsonRecord, extra: JsonRecord = {}) => ({ job_configuration, variables: variables(properties, extra) });

describe("validateBaseJobTemplate: shape", () => {
  it("accepts {} (use the worker's default)", () => {
    expect(validateBaseJobTemplate({})).toEqual([]);
  });

  it("accepts a minimal template and an empty job_configuration", () => {
    expect(validateBaseJobTemplate(template({ image: "{{ image }}" }, { image: { type: "string" } }))).toEqual([]);
    expect(validateBaseJobTemplate(template({}, {}))).toEqual([]);
  });

  it.each([[null], [[]], ["text"], [3]])("refuses a non-object template %j", (value) => {
    expect(validateBaseJobTemplate(value)).toEqual([{ loc: [], msg: expect.stringContaining("must be an object") }]);
  });

  it("requires both keys when either is present", () => {
    expect(validateBaseJobTemplate({ job_configuration: {} })).toEqual([{ loc: ["variables"], msg: expect.stringContaining("is required") }]);
    expect(validateBaseJobTemplate({ variables: variables({}) })).toEqual([{ loc: ["job_configuration"], msg: expect.stringContaining("is required") }]);
  });

  it("refuses keys other than job_configuration and variables", () => {
    expect(validateBaseJobTemplate({ ...template({}, {}), job_configurations: {} })).toEqual([
      { loc: ["job_configurations"], msg: expect.stringContaining("is not allowed") },
    ]);
  });

  it.each([
    ["job_configuration", { job_configuration: "x", variables: variables({}) }],
    ["job_configuration", { job_configuration: [], variables: variables({}) }],
    ["variables", { job_configuration: {}, variables: null }],
  ])("refuses a %s that is not an object", (key, value) => {
    expect(validateBaseJobTemplate(value)).toEqual([{ loc: [key], msg: "must be an object" }]);
  });

  it('requires variables with properties, of type "object" when a type is given', () => {
    expect(validateBaseJobTemplate({ job_configuration: {}, variables: { type: "array", properties: {} } })).toEqual([{ loc: ["variables", "type"], msg: 'must be "object"' }]);
    expect(validateBaseJobTemplate({ job_configuration: {}, variables: { type: "object" } })).toEqual([
      { loc: ["variables", "properties"], msg: expect.stringContaining("must be an object") },
    ]);
    expect(validateBaseJobTemplate({ job_configuration: {}, variables: {} })).toHaveLength(1);
    // Prefect accepts a variables schema without `type`.
    expect(validateBaseJobTemplate({ job_configuration: { a: "{{ a }}" }, variables: { properties: { a: { type: "string" } } } })).toEqual([]);
  });
});

describe("validateBaseJobTemplate: placeholders", () => {
  it("names each undeclared variable with the path of the value that uses it", () => {
    const errors = validateBaseJobTemplate(
      template({ image: "{{ image }}", task: { containers: [{ name: "{{ container }}" }], cpu: "{{ cpu }}m" } }, { image: { type: "string" } }),
    );
    expect(errors).toEqual([
      { loc: ["job_configuration", "task", "containers", 0, "name"], msg: expect.stringContaining('undeclared variable "container"') },
      { loc: ["job_configuration", "task", "cpu"], msg: expect.stringContaining('undeclared variable "cpu"') },
    ]);
  });

  it("checks the first segment of a dotted path", () => {
    expect(validateBaseJobTemplate(template({ a: "{{ net.subnets[0] }}" }, { net: { type: "object" } }))).toEqual([]);
    expect(validateBaseJobTemplate(template({ a: "{{ network.subnets }}" }, { net: { type: "object" } }))).toEqual([
      { loc: ["job_configuration", "a"], msg: expect.stringContaining('"network"') },
    ]);
  });

  it("lets {{ $ENV }} placeholders through without a declaration", () => {
    expect(validateBaseJobTemplate(template({ region: "{{ $AWS_REGION }}", url: "https://{{ $HOST }}/x" }, {}))).toEqual([]);
  });

  it("refuses Prefect block and variable placeholders, which ecsflow does not resolve", () => {
    const errors = validateBaseJobTemplate(template({ creds: "{{ prefect.blocks.aws-credentials.prod }}", image: "{{ prefect.variables.image }}" }, {}));
    expect(errors).toEqual([
      { loc: ["job_configuration", "creds"], msg: expect.stringContaining("does not resolve Prefect blocks") },
      { loc: ["job_configuration", "image"], msg: expect.stringContaining("does not resolve Prefect variables") },
    ]);
  });

  it("does not treat keys as templates and ignores non-string values", () => {
    expect(validateBaseJobTemplate(template({ "{{ key }}": 1, n: 5, b: true, z: null }, {}))).toEqual([]);
  });

  it("does not count a property inherited from Object.prototype as declared", () => {
    expect(validateBaseJobTemplate(template({ a: "{{ toString }}" }, {}))).toHaveLength(1);
  });
});

describe("validateBaseJobTemplate: variables schema", () => {
  it("refuses a schema that breaks the JSON Schema meta-schema, naming the keyword", () => {
    const errors = validateBaseJobTemplate(template({}, { cpu: { type: "integr" } }));
    expect(errors.length).toBeGreaterThan(0);
    expect(errors[0].loc).toEqual(["variables", "properties", "cpu", "type"]);
    expect(errors[0].msg).toContain("is not a valid JSON Schema");
  });

  it("refuses a schema whose $ref does not resolve", () => {
    expect(validateBaseJobTemplate(template({}, { creds: { $ref: "#/definitions/Missing" } }))).toEqual([
      { loc: ["variables"], msg: expect.stringContaining("#/definitions/Missing") },
    ]);
  });

  it("tolerates Prefect's non-standard keywords and formats", () => {
    const schema = {
      secret: { type: "string", format: "password", writeOnly: true },
      blob: { type: "string", format: "json" },
      dir: { type: "string", format: "path" },
      file: { type: "string", format: "file-path" },
      block: { type: "object", block_type_slug: "aws-credentials", secret_fields: ["x"], block_schema_references: {} },
    };
    expect(validateBaseJobTemplate(template({}, schema))).toEqual([]);
  });

  it("resolves $ref to definitions (pydantic v1) and $defs (pydantic v2)", () => {
    const t1 = template({ c: "{{ c }}" }, { c: { allOf: [{ $ref: "#/definitions/C" }] } }, { definitions: { C: { type: "object" } } });
    const t2 = template({ c: "{{ c }}" }, { c: { $ref: "#/$defs/C" } }, { $defs: { C: { type: "object" } } });
    expect(validateBaseJobTemplate(t1)).toEqual([]);
    expect(validateBaseJobTemplate(t2)).toEqual([]);
  });

  it("accepts a draft-07 $schema line, since the schema is always read as 2020-12", () => {
    expect(validateBaseJobTemplate(template({}, { a: { type: "string" } }, { $schema: "http://json-schema.org/draft-07/schema#" }))).toEqual([]);
  });
});

describe("validateBaseJobTemplate: defaults", () => {
  it("refuses a default that does not fit its property, naming the property", () => {
    expect(validateBaseJobTemplate(template({}, { cpu: { type: "integer", default: "1024" } }))).toEqual([
      { loc: ["variables", "properties", "cpu", "default"], msg: 'must be integer, not string "1024"' },
    ]);
  });

  it("checks nested defaults against referenced definitions", () => {
    const t = template(
      {},
      { strategy: { type: "array", items: { $ref: "#/definitions/CP" }, default: [{ capacityProvider: "FARGATE", weight: "1" }] } },
      { definitions: { CP: { type: "object", properties: { capacityProvider: { type: "string" }, weight: { type: "integer" } }, required: ["capacityProvider", "weight"] } } },
    );
    expect(validateBaseJobTemplate(t)).toEqual([{ loc: ["variables", "properties", "strategy", "default", 0, "weight"], msg: 'must be integer, not string "1"' }]);
  });

  it("accepts enum defaults inside the enum and refuses others", () => {
    expect(validateBaseJobTemplate(template({}, { lt: { type: "string", enum: ["A", "B"], default: "A" } }))).toEqual([]);
    expect(validateBaseJobTemplate(template({}, { lt: { type: "string", enum: ["A", "B"], default: "C" } }))).toEqual([
      { loc: ["variables", "properties", "lt", "default"], msg: 'must be one of "A", "B"' },
    ]);
  });

  it("accepts a null default for an optional variable (Prefect's pydantic templates write them)", () => {
    expect(validateBaseJobTemplate(template({}, { cluster: { type: "string", default: null } }))).toEqual([]);
  });

  it("refuses a null default for a required variable", () => {
    expect(validateBaseJobTemplate(template({}, { cluster: { type: "string", default: null } }, { required: ["cluster"] }))).toEqual([
      { loc: ["variables", "properties", "cluster", "default"], msg: "must be string, not null" },
    ]);
  });

  it("does not require other required variables to have defaults", () => {
    expect(validateBaseJobTemplate(template({}, { a: { type: "string", default: "x" }, b: { type: "string" } }, { required: ["a", "b"] }))).toEqual([]);
  });
});
