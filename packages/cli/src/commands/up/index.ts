import type { Command } from "commander";
import type { UpFlags } from "./up-options.js";

/** Flags `up` and `demo` share; `demo` defaults to free ports and a throwaway data folder. */
function withUpFlags(command: Command, mode: "up" | "demo"): Command {
  const ports = mode === "up" ? { api: "4200", ecs: "4566" } : { api: "a free one", ecs: "a free one" };
  return command
    .option("--port <port>", `the server's port (UI and API); 0 picks a free one (default ${ports.api})`)
    .option("--ecs-port <port>", `ecs-local's port (the AWS endpoint); 0 picks a free one (default ${ports.ecs})`)
    .option("--data-dir <dir>", mode === "up" ? "SQLite database and ecs-local state (default ~/.ecsflow, or ECSFLOW_HOME)" : "SQLite database and ecs-local state (default: a temporary folder, removed at exit)")
    .option("--pool <name>", "the ECS work pool to provision and deploy the examples to (default local-ecs)")
    .option("--timeout <s>", "how long the demo run may take (default 120)")
    .option("--runtime <kind>", "what runs the worker and flow runs: auto (a container engine if one answers, else host processes), docker (Docker or Podman) or process (default auto)")
    .option("--engine-host <address>", "container engine address, e.g. unix:///run/podman/podman.sock (env DOCKER_HOST)")
    .option("--api-key <key>", "require this API key on the server's API; the worker and flow runs get it from ecs-local's Secrets Manager, never as plain environment")
    .option("--generate-api-key", "like --api-key with a new random key, printed once")
    .option("--json", "print JSON Lines on stdout ({\"event\":\"ready\",…}, then {\"event\":\"demo\",…}); progress goes to stderr");
}

/**
 * `ecsflow up` and `ecsflow demo`: the seed's architecture on one machine (server, ecs-local, the
 * worker as an ECS service provisioned by `ecs provision`'s code, the examples deployed).
 */
export function registerUp(program: Command): void {
  withUpFlags(
    program
      .command("up")
      .description("Start everything on this machine: the server (SQLite), ecs-local, and a worker provisioned as an ECS service in ecs-local's cluster; deploy the examples. Ctrl-C stops it all")
      .option("--demo", "also run the hello example's deployment, showing its states, logs and a timing breakdown, then stay up"),
    "up",
  ).action(async (flags: UpFlags) => {
    const { runUp } = await import("./up.js");
    await runUp(flags, "up");
  });
  withUpFlags(
    program
      .command("demo")
      .description("`ecsflow up --demo` once: start everything, run the hello example, print its timing, stop everything. Exits 0 only when the run COMPLETED (5 otherwise, 130 on Ctrl-C)"),
    "demo",
  ).action(async (flags: UpFlags) => {
    const { runUp } = await import("./up.js");
    await runUp(flags, "demo");
  });
}
