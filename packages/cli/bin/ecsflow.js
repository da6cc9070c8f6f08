#!/usr/bin/env node
// The `ecsflow` command. Runs the compiled CLI (npm install builds it through `prepare`).
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const main = new URL("../dist/main.js", import.meta.url);
if (!existsSync(fileURLToPath(main))) {
  process.stderr.write("ecsflow is not built yet: run `npm install` (or `npm run build`) in the ecsflow checkout.\n");
  process.exit(1);
}
// A flow-run task's start-up time is the user's wait: `flow-run execute` skips the full CLI.
if (process.argv[2] === "flow-run" && process.argv[3] === "execute") {
  const { runFlowRunExecute } = await import("@ecsflow/sdk/execute-main");
  await runFlowRunExecute(process.argv.slice(4));
} else {
  const { runCli } = await import(main.href);
  await runCli(process.argv);
}
