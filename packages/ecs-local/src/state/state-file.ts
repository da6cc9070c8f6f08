import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { EcsLocalStateError } from "../errors.js";
import { emptyState, type StateData } from "./ecs-local-state.js";

const FILE = "ecs-local-state.json";

export function loadStateFile(dir: string): StateData | undefined {
  const path = join(dir, FILE);
  if (!existsSync(path)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, "utf8"));
  } catch (cause) {
    throw new EcsLocalStateError(`State file ${path} is not valid JSON; move it away to start fresh.`, path, { cause });
  }
  if (!parsed || typeof parsed !== "object" || (parsed as { version?: unknown }).version !== 1) {
    throw new EcsLocalStateError(`State file ${path} has an unknown format (expected version 1).`, path);
  }
  return { ...emptyState(), ...(parsed as StateData) };
}

/**
 * Saves the state at most every `debounceMs`, writing a temporary file and renaming it so that a
 * crash mid-write never leaves a half-written state file.
 */
export class StateFileWriter {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly dir: string,
    private readonly read: () => StateData,
    private readonly debounceMs = 1_000,
  ) {
    mkdirSync(dir, { recursive: true });
  }

  schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, this.debounceMs);
    this.timer.unref();
  }

  flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    const path = join(this.dir, FILE);
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.read()), { mode: 0o600 });
    renameSync(tmp, path);
  }
}
