// Finds a file of the shared reference set (`shared/reference/…`, read-only inputs that are not part
// of the repository). The main checkout sits next to `shared/`; a git worktree sits one or more
// folders deeper, so every ancestor's `../shared/reference` is tried. In a user's clone there is
// none: callers skip their tests visibly, naming the file.
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

export const repoRoot = resolve(import.meta.dirname, "../..");

export function referenceFile(name: string): string | undefined {
  let dir = repoRoot;
  while (true) {
    const candidate = join(dir, "..", "shared", "reference", name);
    if (existsSync(candidate)) return resolve(candidate);
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}
