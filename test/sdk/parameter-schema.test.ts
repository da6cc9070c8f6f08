import { describe, expect, expectTypeOf, it } from "vitest";
import { z } from "zod";
import { flow, ParameterValidationError } from "../../packages/sdk/src/index.js";
import { toParameterJsonSchema } from "../../packages/sdk/src/parameter-schema.js";

// Pure logic: flows whose parameters are a zod schema (no API involved: without PREFECT_API_URL a
// flow runs locally).

const Params = z.object({ name: z.string().default("world"), count: z.number().int().min(1) });

describe("zod parameter schemas", () => {
  it("keep a flow's parameters as the zod schema's JSON Schema (draft-07, defaults not required)", () => {
    const hello = flow({ name: "zod-hello", parameters: Params }, async (p) => `${p.name} x${p.count}`);
    expect(hello.options.parameters).toEqual({
      type: "object",
      properties: { name: { type: "string", default: "world" }, count: { type: "integer", minimum: 1, maximum: Number.MAX_SAFE_INTEGER } },
      required: ["count"],
    });
  });

  it("validate a run's parameters and fill defaults, naming a field that does not fit", async () => {
    const hello = flow({ name: "zod-run", parameters: Params }, async (p) => `${p.name} x${p.count}`);
    await expect(hello({ count: 2 } as never)).resolves.toBe("world x2");
    const err = await hello({ count: 0 } as never).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ParameterValidationError);
    expect((err as Error).message).toMatch(/count: must be >= 1/);
  });

  it("type the flow function's parameters from the schema", () => {
    flow({ name: "zod-typed", parameters: Params }, async (p) => {
      expectTypeOf(p).toEqualTypeOf<{ name: string; count: number }>();
      return p.count;
    });
  });

  it("refuse a schema that cannot describe itself as JSON Schema (zod < 4.2), saying what to do", () => {
    const legacy = { safeParse: () => ({ success: true }), _def: {} };
    expect(() => toParameterJsonSchema("old", legacy as never)).toThrow(/zod ≥ 4.2.*Upgrade zod, or pass a JSON Schema object/);
  });

  it("leave a JSON Schema as it is", () => {
    const schema = { type: "object", properties: { n: { type: "integer" } } };
    expect(toParameterJsonSchema("json", schema)).toBe(schema);
    expect(toParameterJsonSchema("none", undefined)).toBeUndefined();
  });
});
