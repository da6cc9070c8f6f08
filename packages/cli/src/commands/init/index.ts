import type { Command } from "commander";

export function registerInit(program: Command): void {
  program
    .command("init")
    .description("Write a commented ecsflow.yaml and an example flow in the current folder")
    .option("--pool <name>", "work pool the example deployment uses", "local")
    .option("--force", "overwrite existing files")
    .action(async (opts: { pool: string; force?: boolean }) => {
      const { init } = await import("./init.js");
      init(process.cwd(), opts);
    });
}
