#!/usr/bin/env node
// The `ecsflow` command. Runs the compiled CLI (npm install builds it through `prepare`).
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const main = new URL("../dist/cli/main.js", import.meta.url);
if (!existsSync(fileURLToPath(main))) {
  process.stderr.write("ecsflow is not built yet: run `npm install` (or `npm run build`) in the ecsflow folder.\n");
  process.exit(1);
}
// A flow-run task's start-up time is the user's wait: `flow-run execute` skips the full CLI.
if (process.argv[2] === "flow-run" && process.argv[3] === "execute") {
  const { runFlowRunExecute } = await import(new URL("../dist/cli/commands/flow-run/execute-main.js", import.meta.url).href);
  await runFlowRunExecute(process.argv);
} else {
  const { runCli } = await import(main.href);
  await runCli(process.argv);
}
