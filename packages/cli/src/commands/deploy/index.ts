import type { Command } from "commander";

export function registerDeploy(program: Command): void {
  program
    .command("deploy")
    .description("Register the deployments declared in ecsflow.yaml (checked locally and against each work pool first)")
    .argument("[names...]", "deployments to deploy (by their `name:`)")
    .option("--all", "deploy every deployment in the file")
    .option("-f, --file <path>", "the project file", "ecsflow.yaml")
    .option("--json", "print the result as JSON")
    .action(async (names: string[], opts: { all?: boolean; file: string; json?: boolean }) => {
      const { deploy } = await import("./deploy.js");
      await deploy(names, opts);
    });
}
