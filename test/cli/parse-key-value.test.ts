import { describe, expect, it } from "vitest";
import { CliError } from "../../packages/cli/src/errors.js";
import { parseJsonObject, parseKeyValues } from "../../packages/cli/src/parse-key-value.js";

describe("parseKeyValues", () => {
  it("reads values as JSON when they parse and as strings otherwise, as Prefect's --param does", () => {
    expect(parseKeyValues(["n=3", "ok=true", "xs=[1,2]", "o={\"a\":1}", "name=world", "s=\"quoted\"", "eq=a=b", "empty=", "nil=null"], "--param")).toEqual({
      n: 3,
      ok: true,
      xs: [1, 2],
      o: { a: 1 },
      name: "world",
      s: "quoted",
      eq: "a=b",
      empty: "",
      nil: null,
    });
  });

  it("refuses a pair without '=' or key, and quoted text that is not JSON, naming the flag (exit 2)", () => {
    for (const [pair, message] of [
      ["region", /--param "region" is not in the form KEY=VALUE/],
      ["=3", /--param "=3" is not in the form KEY=VALUE/],
      ['x="open', /--param x: .* is not valid JSON/],
    ] as const) {
      let error: unknown;
      try {
        parseKeyValues([pair], "--param");
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(CliError);
      expect((error as CliError).exitCode).toBe(2);
      expect((error as CliError).message).toMatch(message);
    }
  });

  it("takes a JSON object for --params and refuses anything else", () => {
    expect(parseJsonObject('{"a": [1]}', "--params")).toEqual({ a: [1] });
    expect(() => parseJsonObject("[1]", "--params")).toThrow(/--params must be a JSON object/);
    expect(() => parseJsonObject("{", "--params")).toThrow(/--params must be a JSON object/);
  });
});
