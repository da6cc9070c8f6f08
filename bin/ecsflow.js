#!/usr/bin/env node
// The `ecsflow` command. Runs the compiled CLI (npm install builds it through `prepare`).
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const main = new URL("../dist/cli/main.js", import.meta.url);
if (!existsSync(fileURLToPath(main))) {
  process.stderr.write("ecsflow is not built yet: run `npm install` (or `npm run build`) in the ecsflow folder.\n");
  process.exit(1);
}
const { runCli } = await import(main.href);
await runCli(process.argv);
