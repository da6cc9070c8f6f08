import { describe, expect, it } from "vitest";
import { ecsDefaultBaseJobTemplate, validateJobVariables, variableDefaults, type JsonRecord } from "../../../packages/schemas/src/index.js";

const ecs = ecsDefaultBaseJobTemplate.variables as unknown as JsonRecord;

describe("validateJobVariables against the ECS default schema", () => {
  it.each<[string, JsonRecord]>([
    ["nothing", {}],
    ["typical values", { image: "repo/img:1", cpu: 512, memory: 1024, launch_type: "FARGATE_SPOT", env: { A: "1" }, labels: { team: "x" } }],
    ["a number for a number", { task_watch_poll_interval: 2.5 }],
    ["an integer for a number", { task_watch_poll_interval: 2 }],
    ["a capacity provider strategy", { capacity_provider_strategy: [{ capacityProvider: "FARGATE", weight: 1, base: 0 }] }],
    ["nested credentials", { aws_credentials: { region_name: "eu-west-1", aws_client_parameters: { verify: "/ca.pem" } } }],
    ["variables the schema does not declare (additionalProperties is open)", { not_declared: { any: "thing" } }],
    ["null for optional variables (unset)", { image: null, cpu: null, launch_type: null, aws_credentials: null, capacity_provider_strategy: null }],
    ["null env values (remove the variable)", { env: { A: null, B: "2" } }],
  ])("accepts %s", (_, jobVariables) => {
    expect(validateJobVariables(ecs, jobVariables)).toEqual([]);
  });

  it.each<[string, JsonRecord, { loc: (string | number)[]; msg: string }[]]>([
    ["a string for an integer", { cpu: "1024" }, [{ loc: ["cpu"], msg: 'must be integer, not string "1024"' }]],
    ["a fraction for an integer", { memory: 1.5 }, [{ loc: ["memory"], msg: "must be integer, not number 1.5" }]],
    ["a value outside an enum", { launch_type: "LAMBDA" }, [{ loc: ["launch_type"], msg: 'must be one of "FARGATE", "EC2", "EXTERNAL", "FARGATE_SPOT"' }]],
    ["a non-string env value", { env: { PORT: 8080 } }, [{ loc: ["env", "PORT"], msg: "must be string, not number 8080" }]],
    ["an array for an object", { labels: ["a"] }, [{ loc: ["labels"], msg: "must be object, not an array" }]],
    ["a boolean as text", { stream_output: "true" }, [{ loc: ["stream_output"], msg: 'must be boolean, not string "true"' }]],
    [
      "a strategy entry missing required fields",
      { capacity_provider_strategy: [{ capacityProvider: "FARGATE" }] },
      [
        { loc: ["capacity_provider_strategy", 0, "weight"], msg: "is required" },
        { loc: ["capacity_provider_strategy", 0, "base"], msg: "is required" },
      ],
    ],
    ["a wrong type inside anyOf, as one message", { aws_credentials: { aws_client_parameters: { verify: 3 } } }, [{ loc: ["aws_credentials", "aws_client_parameters", "verify"], msg: "must be boolean or string, not number 3" }]],
  ])("refuses %s, naming the field", (_, jobVariables, errors) => {
    expect(validateJobVariables(ecs, jobVariables)).toEqual(errors);
  });

  it("reports every problem, not just the first", () => {
    const locs = validateJobVariables(ecs, { cpu: "x", memory: "y", env: { A: 1 } }).map((e) => e.loc.join("."));
    expect(locs.sort()).toEqual(["cpu", "env.A", "memory"]);
  });

  it("keeps long values short in messages", () => {
    const [error] = validateJobVariables(ecs, { cpu: "x".repeat(500) });
    expect(error.msg.length).toBeLessThan(100);
  });
});

describe("validateJobVariables: required and null", () => {
  const schema: JsonRecord = {
    type: "object",
    properties: {
      cluster: { type: "string" },
      image: { type: "string" },
      nested: { type: "object", properties: { inner: { type: "string" }, must: { type: "string" } }, required: ["must"] },
    },
    required: ["cluster"],
  };

  it("enforces required variables on a full set", () => {
    expect(validateJobVariables(schema, { image: "x" })).toEqual([{ loc: ["cluster"], msg: "is required" }]);
  });

  it("ignores required variables on a partial set (a deployment's job variables)", () => {
    expect(validateJobVariables(schema, { image: "x", nested: {} }, { ignoreRequired: true })).toEqual([]);
  });

  it("refuses null for a required variable, even on a partial set", () => {
    expect(validateJobVariables(schema, { cluster: null }, { ignoreRequired: true })).toEqual([{ loc: ["cluster"], msg: "must be string, not null" }]);
  });

  it("accepts null for optional nested properties and refuses it for required nested ones", () => {
    expect(validateJobVariables(schema, { cluster: "c", nested: { inner: null, must: "m" } })).toEqual([]);
    expect(validateJobVariables(schema, { cluster: "c", nested: { must: null } })).toEqual([{ loc: ["nested", "must"], msg: "must be string, not null" }]);
  });

  it("refuses undeclared variables when the schema closes additionalProperties", () => {
    expect(validateJobVariables({ ...schema, additionalProperties: false }, { cluster: "c", typo: 1 })).toEqual([
      { loc: ["typo"], msg: expect.stringContaining("is not allowed") },
    ]);
  });

  it("does not mutate the schema or the variables it is given", () => {
    const before = structuredClone(schema);
    const vars = { cluster: "c", nested: { must: "m" } };
    validateJobVariables(schema, vars, { ignoreRequired: true });
    validateJobVariables(schema, vars);
    expect(schema).toEqual(before);
    expect(vars).toEqual({ cluster: "c", nested: { must: "m" } });
  });
});

describe("validateJobVariables: schema forms", () => {
  it("reads pydantic v1 tuples (items as a list) as prefixItems", () => {
    const schema: JsonRecord = { type: "object", properties: { pair: { type: "array", items: [{ type: "string" }, { type: "integer" }] } } };
    expect(validateJobVariables(schema, { pair: ["a", 1] })).toEqual([]);
    expect(validateJobVariables(schema, { pair: ["a", "b"] })).toEqual([{ loc: ["pair", 1], msg: 'must be integer, not string "b"' }]);
  });

  it("checks standard formats and ignores Prefect's own", () => {
    const schema: JsonRecord = { type: "object", properties: { id: { type: "string", format: "uuid" }, pw: { type: "string", format: "password" } } };
    expect(validateJobVariables(schema, { id: "3f1e6a2c-8a65-4c1e-9a59-0c9d3b1f2e4d", pw: "anything" })).toEqual([]);
    expect(validateJobVariables(schema, { id: "nope" })).toEqual([{ loc: ["id"], msg: 'must match format "uuid"' }]);
  });

  it("reports a schema it cannot compile as one error at the root", () => {
    const errors = validateJobVariables({ type: "object", properties: { a: { $ref: "#/definitions/Nope" } } }, { a: 1 });
    expect(errors).toEqual([{ loc: [], msg: expect.stringContaining("cannot be used") }]);
  });

  it("gives the same answer for equal schemas built separately (content cache) and for one reused object", () => {
    const make = (): JsonRecord => ({ type: "object", properties: { n: { type: "integer" } } });
    const a = make();
    expect(validateJobVariables(a, { n: "1" })).toEqual(validateJobVariables(make(), { n: "1" }));
    expect(validateJobVariables(a, { n: 1 })).toEqual([]);
    expect(validateJobVariables(a, { n: "1" }, { ignoreRequired: true })).toHaveLength(1);
  });

  it("keeps working after many distinct schemas pass through the cache", () => {
    for (let i = 0; i < 300; i++) {
      const schema: JsonRecord = { type: "object", properties: { [`v${i}`]: { type: "integer" } } };
      expect(validateJobVariables(schema, { [`v${i}`]: "x" })).toHaveLength(1);
    }
    expect(validateJobVariables({ type: "object", properties: { v0: { type: "integer" } } }, { v0: 1 })).toEqual([]);
  });
});

describe("variableDefaults", () => {
  it("collects top-level defaults and skips null ones", () => {
    const schema: JsonRecord = {
      type: "object",
      properties: { a: { type: "integer", default: 1 }, b: { type: "string", default: null }, c: { type: "string" }, d: { type: "object", default: { x: [1] } } },
    };
    expect(variableDefaults(schema)).toEqual({ a: 1, d: { x: [1] } });
  });

  it("returns copies, so a caller may change them", () => {
    const schema: JsonRecord = { type: "object", properties: { d: { type: "object", default: { x: 1 } } } };
    const defaults = variableDefaults(schema);
    (defaults.d as JsonRecord).x = 2;
    expect(variableDefaults(schema)).toEqual({ d: { x: 1 } });
  });

  it("gives the ECS template's defaults", () => {
    expect(variableDefaults(ecs)).toEqual({
      launch_type: "FARGATE",
      task_start_timeout_seconds: 300,
      task_watch_poll_interval: 5,
      auto_deregister_task_definition: false,
      match_latest_revision_in_family: false,
    });
  });

  it("is empty for a schema without properties", () => {
    expect(variableDefaults({ type: "object" })).toEqual({});
  });
});
