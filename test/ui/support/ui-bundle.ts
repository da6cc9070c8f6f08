import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";

export const UI_DIST = resolve(import.meta.dirname, "../../../packages/ui/dist");

/** The built bundle's entry files; throws with the fix when `npm run build:ui` has not run. */
export function uiBundle(): { script: string; totalBytes: number; files: string[] } {
  const index = join(UI_DIST, "index.html");
  if (!existsSync(index)) throw new Error(`The UI bundle is missing at ${UI_DIST}: run npm run build:ui (npm test does it first).`);
  const html = readFileSync(index, "utf8");
  const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
  if (!script) throw new Error("packages/ui/dist/index.html names no script");
  const files = readdirSync(join(UI_DIST, "assets")).map((f) => join(UI_DIST, "assets", f));
  const totalBytes = [index, ...files].reduce((sum, f) => sum + statSync(f).size, 0);
  return { script, totalBytes, files };
}
