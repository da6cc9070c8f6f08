import type { Command } from "commander";
import { registerServerStart } from "./start.js";

export function registerServer(program: Command): void {
  const server = program.command("server").description("Run the ecsflow control plane (API server)");
  registerServerStart(server);
}
