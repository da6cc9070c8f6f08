import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTypeScriptEntrypoint } from "../../packages/sdk/src/build-typescript-entrypoint.js";
import { EntrypointError, loadFlowFromEntrypoint } from "../../packages/sdk/src/index.js";

// TypeScript entrypoints are bundled by esbuild's binary into <entry folder>/.ecsflow/build/ and
// imported as plain JavaScript. A real project on disk: relative imports written the NodeNext way
// (`./x.js` for x.ts), extensionless and with `.ts`, an enum (not mere type stripping), a JSON
// import, and `ecsflow` resolved from the project's node_modules (here a link to this package).

// The `ecsflow` package: its bin/, dist/ and examples/.
const ROOT = resolve(import.meta.dirname, "../../packages/cli");

describe("TypeScript entrypoints built to plain JavaScript", () => {
  let project: string;
  const saved = { a: process.env.PREFECT_API_URL, b: process.env.ECSFLOW_API_URL };

  beforeAll(() => {
    // Flows run locally here (no API): the same code path the executor uses to load them.
    delete process.env.PREFECT_API_URL;
    delete process.env.ECSFLOW_API_URL;
    project = mkdtempSync(join(tmpdir(), "ecsflow-tsbuild-"));
    mkdirSync(join(project, "node_modules"));
    symlinkSync(ROOT, join(project, "node_modules", "ecsflow"), "dir");
    mkdirSync(join(project, "flows", "lib"), { recursive: true });
    writeFileSync(join(project, "flows", "lib", "greet.ts"), `export enum Tone { Warm = "warm", Cold = "cold" }\nexport function greet(name: string, tone: Tone = Tone.Warm): string {\n  return \`\${tone} hello, \${name}\`;\n}\n`);
    writeFileSync(join(project, "flows", "lib", "numbers.ts"), `export const answer: number = 42;\n`);
    writeFileSync(join(project, "flows", "lib", "config.json"), `{ "region": "eu-west-1" }\n`);
    writeFileSync(join(project, "flows", "lib", "fail.ts"), `export function fail(): never {\n  throw new RangeError("deliberate");\n}\n`);
    writeFileSync(
      join(project, "flows", "main.ts"),
      [
        `import { flow } from "ecsflow";`,
        `import { greet, Tone } from "./lib/greet.js";`,
        `import { answer } from "./lib/numbers";`,
        `import { fail } from "./lib/fail.ts";`,
        `import config from "./lib/config.json";`,
        `import type { FlowOptions } from "ecsflow";`,
        `const options: FlowOptions = { name: "ts-main" };`,
        `export const main = flow(options, async ({ who }: { who: string }) => ({ text: greet(who, Tone.Cold), answer, region: config.region, url: import.meta.url }));`,
        `export const boom = flow({ name: "ts-boom" }, async () => fail());`,
        ``,
      ].join("\n"),
    );
  });
  afterAll(() => {
    if (saved.a !== undefined) process.env.PREFECT_API_URL = saved.a;
    if (saved.b !== undefined) process.env.ECSFLOW_API_URL = saved.b;
  });

  const builds = () => readdirSync(join(project, "flows", ".ecsflow", "build")).filter((f) => f.endsWith(".mjs"));

  it("runs a flow whose local imports are TypeScript, JSON and an enum, with import.meta naming the source", async () => {
    const definition = await loadFlowFromEntrypoint("flows/main.ts:main", project);
    const result = await definition.run({ who: "Ada" });
    expect(result.finalType).toBe("COMPLETED");
    expect(result.value).toEqual({ text: "cold hello, Ada", answer: 42, region: "eu-west-1", url: pathToFileURL(join(project, "flows", "main.ts")).href });
    expect(builds()).toHaveLength(1);
  });

  it("reuses the build while no input changed, and rebuilds when a local import changes", async () => {
    const first = await buildTypeScriptEntrypoint(join(project, "flows", "main.ts"));
    expect(first).toBeDefined();
    const builtAt = statSync(first!).mtimeMs;
    const again = await buildTypeScriptEntrypoint(join(project, "flows", "main.ts"));
    expect(again).toBe(first);
    expect(statSync(again!).mtimeMs).toBe(builtAt);

    writeFileSync(join(project, "flows", "lib", "numbers.ts"), `export const answer: number = 43;\n`);
    // Builds older than a minute are removed when a newer one replaces them.
    utimesSync(first!, new Date(Date.now() - 120_000), new Date(Date.now() - 120_000));
    const rebuilt = await buildTypeScriptEntrypoint(join(project, "flows", "main.ts"));
    expect(rebuilt).not.toBe(first);
    expect(existsSync(first!)).toBe(false);
    expect(builds()).toEqual([basename(rebuilt!)]);
    // The cache folder ignores itself in git.
    expect(readFileSync(join(project, "flows", ".ecsflow", "build", ".gitignore"), "utf8")).toMatch(/^\*$/m);
    const definition = await loadFlowFromEntrypoint("flows/main.ts:main", project);
    expect((await definition.run({ who: "Bo" })).value).toMatchObject({ answer: 43 });
  });

  it("keeps import.meta right when the project moves with its build (built by deploy, run in an image)", async () => {
    await buildTypeScriptEntrypoint(join(project, "flows", "main.ts"));
    const built = builds();
    const moved = mkdtempSync(join(tmpdir(), "ecsflow-tsbuild-moved-"));
    cpSync(project, moved, { recursive: true, verbatimSymlinks: true });
    const definition = await loadFlowFromEntrypoint("flows/main.ts:main", moved);
    expect((await definition.run({ who: "Cy" })).value).toMatchObject({ url: pathToFileURL(join(moved, "flows", "main.ts")).href });
    expect(readdirSync(join(moved, "flows", ".ecsflow", "build")).filter((f) => f.endsWith(".mjs"))).toEqual(built); // reused, not rebuilt
  });

  it("maps an error's stack to the TypeScript file and line", async () => {
    const definition = await loadFlowFromEntrypoint("flows/main.ts:boom", project);
    const result = await definition.run({});
    expect(result.finalType).toBe("FAILED");
    expect((result.error as Error).stack).toContain(`${join(project, "flows", "lib", "fail.ts")}:2:`);
  });

  it("reports a compile error with the file and line, as an EntrypointError", async () => {
    writeFileSync(join(project, "flows", "broken.ts"), `import { flow } from "ecsflow";\nexport const broken = flow({ name: "broken" }, async () => {\n  return 1 +;\n});\n`);
    const error = await loadFlowFromEntrypoint("flows/broken.ts:broken", project).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EntrypointError);
    expect((error as Error).message).toMatch(/TypeScript build failed/);
    expect((error as Error).message).toMatch(/broken\.ts:3:/);
  });

  it("falls back to tsx's loader when no esbuild binary is available", async () => {
    writeFileSync(join(project, "flows", "plain.ts"), `import { flow } from "ecsflow";\nimport { answer } from "./lib/numbers.js";\nexport const plain = flow({ name: "plain" }, async () => answer);\n`);
    const saved = process.env.ECSFLOW_ESBUILD_BINARY;
    process.env.ECSFLOW_ESBUILD_BINARY = join(project, "no-such-esbuild");
    try {
      expect(await buildTypeScriptEntrypoint(join(project, "flows", "plain.ts"))).toBeUndefined();
      const definition = await loadFlowFromEntrypoint("flows/plain.ts:plain", project);
      expect((await definition.run({})).value).toBe(43);
    } finally {
      if (saved === undefined) delete process.env.ECSFLOW_ESBUILD_BINARY;
      else process.env.ECSFLOW_ESBUILD_BINARY = saved;
    }
  });

  it("falls back to tsx's loader when the build folder cannot be written", async () => {
    const blocked = join(project, "blocked");
    mkdirSync(blocked);
    writeFileSync(join(blocked, ".ecsflow"), "a file where the build folder would go\n");
    writeFileSync(join(blocked, "flow.ts"), `import { flow } from "ecsflow";\nexport const blocked = flow({ name: "blocked" }, async (): Promise<string> => "loaded anyway");\n`);
    expect(await buildTypeScriptEntrypoint(join(blocked, "flow.ts"))).toBeUndefined();
    const definition = await loadFlowFromEntrypoint("blocked/flow.ts:blocked", project);
    expect((await definition.run({})).value).toBe("loaded anyway");
  });
});
