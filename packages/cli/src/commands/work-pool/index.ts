import type { Command } from "commander";
import { registerWorkPoolCreate } from "./create.js";
import { registerWorkPoolDelete } from "./delete.js";
import { registerWorkPoolInspect } from "./inspect.js";
import { registerWorkPoolLs } from "./ls.js";
import { registerWorkPoolPause, registerWorkPoolResume } from "./pause.js";
import { registerWorkPoolUpdate } from "./update.js";

export function registerWorkPool(program: Command): void {
  const pool = program.command("work-pool").description("Create and manage work pools (where deployments send their runs, and workers take them from)");
  registerWorkPoolCreate(pool);
  registerWorkPoolLs(pool);
  registerWorkPoolInspect(pool);
  registerWorkPoolUpdate(pool);
  registerWorkPoolPause(pool);
  registerWorkPoolResume(pool);
  registerWorkPoolDelete(pool);
}
