import type { Command } from "commander";
import { registerProvision } from "./provision.js";
import { registerTeardown } from "./teardown.js";

/** `ecsflow ecs …`: set up (and remove) what an ECS work pool's worker needs in AWS. */
export function registerEcs(program: Command): void {
  const ecs = program.command("ecs").description("Provision (and tear down) an ECS work pool's AWS resources and its worker service");
  registerProvision(ecs);
  registerTeardown(ecs);
}
