import type { Command } from "commander";
import { registerDeploymentDelete } from "./delete.js";
import { registerDeploymentInspect } from "./inspect.js";
import { registerDeploymentLs } from "./ls.js";
import { registerDeploymentPause, registerDeploymentResume } from "./pause.js";
import { registerDeploymentRun } from "./run.js";

export function registerDeployment(program: Command): void {
  const deployment = program.command("deployment").description("List, inspect, run, pause and delete deployments (name them FLOW/DEPLOYMENT or by id)");
  registerDeploymentLs(deployment);
  registerDeploymentInspect(deployment);
  registerDeploymentRun(deployment);
  registerDeploymentPause(deployment);
  registerDeploymentResume(deployment);
  registerDeploymentDelete(deployment);
}
