import type { Command } from "commander";
import { registerFlowLs } from "./ls.js";

export function registerFlow(program: Command): void {
  const flow = program.command("flow").description("List flows (a flow is created by its first deployment or run)");
  registerFlowLs(flow);
}
