import { describe, expect, it } from "vitest";
import type { JsonRecord } from "../../packages/schemas/src/index.js";
import { appliedValues, expandDottedKeys, mergeJobVariables } from "../../packages/worker/src/job-variables.js";

describe("mergeJobVariables", () => {
  it("lets each later layer replace a variable and remembers which layer set it", () => {
    const merged = mergeJobVariables([
      { layer: "template default", variables: { image: "default", cpu: 256 } },
      { layer: "work pool", variables: { cpu: 512 } },
      { layer: "deployment", variables: { image: "dep" } },
      { layer: "flow run", variables: null },
    ]);
    expect(merged.values).toEqual({ image: "dep", cpu: 512 });
    expect(merged.sources).toEqual({ image: "deployment", cpu: "work pool" });
  });

  it("merges env by key and keeps nulls as removal markers", () => {
    const merged = mergeJobVariables([
      { layer: "template default", variables: { env: { A: "1", B: "1" } } },
      { layer: "deployment", variables: { env: { B: null, C: "2" } } },
      { layer: "flow run", variables: { env: { D: "3" } } },
    ]);
    expect(merged.values.env).toEqual({ A: "1", B: null, C: "2", D: "3" });
    expect(merged.envSources).toEqual({ A: "template default", B: "deployment", C: "deployment", D: "flow run" });
  });

  it("env: null replaces the env below it and forgets where its keys came from", () => {
    const merged = mergeJobVariables([
      { layer: "template default", variables: { env: { A: "1" } } },
      { layer: "deployment", variables: { env: null } },
    ]);
    expect(merged.values.env).toBeNull();
    expect(merged.envSources).toEqual({});
    const again = mergeJobVariables([
      { layer: "deployment", variables: { env: null } },
      { layer: "flow run", variables: { env: { B: "2" } } },
    ]);
    expect(again.values.env).toEqual({ B: "2" });
  });

  it("copies what it is given", () => {
    const deployment: JsonRecord = { obj: { a: [1] }, env: { A: "1" } };
    const merged = mergeJobVariables([{ layer: "deployment", variables: deployment }]);
    (merged.values.obj as JsonRecord).a = "changed";
    (merged.values.env as JsonRecord).A = "changed";
    expect(deployment).toEqual({ obj: { a: [1] }, env: { A: "1" } });
  });

  it("keeps a __proto__ variable as data", () => {
    const merged = mergeJobVariables([{ layer: "deployment", variables: JSON.parse('{"__proto__": {"x": 1}}') as JsonRecord }]);
    expect(Object.hasOwn(merged.values, "__proto__")).toBe(true);
    expect(Object.getPrototypeOf(merged.values)).toBe(Object.prototype);
  });
});

describe("expandDottedKeys", () => {
  it.each<[string, JsonRecord, JsonRecord]>([
    ["plain keys unchanged", { a: 1, b: { c: 2 } }, { a: 1, b: { c: 2 } }],
    ["a dotted key becomes nested", { "env.FOO": "x" }, { env: { FOO: "x" } }],
    ["several dotted keys share a parent", { "a.b": 1, "a.c": 2 }, { a: { b: 1, c: 2 } }],
    ["deep paths", { "a.b.c": 1 }, { a: { b: { c: 1 } } }],
    ["the nested spelling deep-merges over the dotted one", { "a.b": 1, "a.c": 1, a: { c: 2, d: 3 } }, { a: { b: 1, c: 2, d: 3 } }],
    ["a plain non-object replaces the dotted object", { "a.b": 1, a: 5 }, { a: 5 }],
    ["a later dotted key through a scalar replaces it", { "a.b": 1, "a.b.c": 2 }, { a: { b: { c: 2 } } }],
  ])("%s", (_, input, expected) => {
    expect(expandDottedKeys(input)).toEqual(expected);
  });
});

describe("appliedValues", () => {
  it("drops unset (null) variables and null env entries", () => {
    expect(appliedValues({ image: null, cpu: 1, env: { A: null, B: "2" }, obj: { inner: null } })).toEqual({ cpu: 1, env: { B: "2" }, obj: { inner: null } });
  });
});
