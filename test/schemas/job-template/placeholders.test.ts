import { describe, expect, it } from "vitest";
import {
  envPlaceholderVariable,
  findPlaceholders,
  parsePlaceholders,
  placeholderKind,
  placeholderPath,
  wholePlaceholder,
  type JsonValue,
} from "../../../packages/schemas/src/index.js";

describe("parsePlaceholders", () => {
  it.each([
    ["{{ name }}", ["name"]],
    ["{{name}}", ["name"]],
    ["{{   spaced   }}", ["spaced"]],
    ["{{ a.b }}", ["a.b"]],
    ["{{ a.b[0].c }}", ["a.b[0].c"]],
    ["{{ with-dash }}", ["with-dash"]],
    ["{{ $HOME }}", ["$HOME"]],
    ["prefix-{{ a }}-{{ b }}-suffix", ["a", "b"]],
    ["{{ a }}{{ a }}", ["a"]],
    ["no placeholders", []],
    ["{ single }", []],
    ["{{ }}", []],
    ["{{ has space }}", []],
    ["{{ bad!char }}", []],
  ])("%j -> %j", (text, names) => {
    expect(parsePlaceholders(text).map((p) => p.name)).toEqual(names);
  });

  it("keeps the full text of each placeholder and its kind", () => {
    expect(parsePlaceholders("{{x}} and {{ $Y }} and {{ prefect.blocks.s3.b }} and {{ prefect.variables.v }}")).toEqual([
      { fullMatch: "{{x}}", name: "x", kind: "standard" },
      { fullMatch: "{{ $Y }}", name: "$Y", kind: "env" },
      { fullMatch: "{{ prefect.blocks.s3.b }}", name: "prefect.blocks.s3.b", kind: "block" },
      { fullMatch: "{{ prefect.variables.v }}", name: "prefect.variables.v", kind: "variable" },
    ]);
  });

  it("treats differently spaced spellings of one name as distinct texts", () => {
    expect(parsePlaceholders("{{a}} {{ a }}").map((p) => p.fullMatch)).toEqual(["{{a}}", "{{ a }}"]);
  });
});

describe("placeholderKind", () => {
  it.each([
    ["image", "standard"],
    ["$AWS_REGION", "env"],
    ["prefect.blocks.aws-credentials.prod", "block"],
    ["prefect.variables.image", "variable"],
    ["prefect.other", "standard"],
  ] as const)("%s is %s", (name, kind) => {
    expect(placeholderKind(name)).toBe(kind);
  });
});

describe("findPlaceholders", () => {
  it("walks objects and arrays, values only, each text once", () => {
    const template: JsonValue = {
      a: "{{ one }}",
      "{{ key_is_not_templated }}": "plain",
      list: ["{{ two }}", { deep: "x-{{ three }}-{{ one }}" }, 5, true, null],
      env: "{{ $HOME }}",
    };
    expect(findPlaceholders(template).map((p) => p.name)).toEqual(["one", "two", "three", "$HOME"]);
  });

  it.each([[42], [false], [null], [undefined], ["plain"], [[]], [{}]])("finds nothing in %j", (value) => {
    expect(findPlaceholders(value as JsonValue)).toEqual([]);
  });
});

describe("wholePlaceholder", () => {
  it.each([
    ["{{ cpu }}", "cpu"],
    ["{{cpu}}", "cpu"],
    ["{{ a.b }}", "a.b"],
    ["{{ $HOME }}", "$HOME"],
  ])("%j is the whole value %s", (text, name) => {
    expect(wholePlaceholder(text)?.name).toBe(name);
  });

  it.each([[" {{ cpu }}"], ["{{ cpu }} "], ["{{ a }}{{ b }}"], ["{{ a }}{{ a }}"], ["x{{ a }}"], ["plain"]])("%j is not a whole placeholder", (text) => {
    expect(wholePlaceholder(text)).toBeUndefined();
  });
});

describe("placeholderPath and envPlaceholderVariable", () => {
  it.each([
    ["image", ["image"]],
    ["a.b.c", ["a", "b", "c"]],
    ["a.b[0].c", ["a", "b", "0", "c"]],
    ["list[2]", ["list", "2"]],
  ])("%s splits into %j", (name, path) => {
    expect(placeholderPath(name)).toEqual(path);
  });

  it("strips every leading $ like Prefect's lstrip", () => {
    expect(envPlaceholderVariable("$HOME")).toBe("HOME");
    expect(envPlaceholderVariable("$$X")).toBe("X");
  });
});
