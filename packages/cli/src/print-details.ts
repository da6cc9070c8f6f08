import type { Output } from "./output.js";

/**
 * One object for people: YAML reads better than JSON for nested templates and parameters; with
 * `--json` the object is printed as JSON. YAML is loaded only when needed (fast CLI start).
 */
export async function printDetails(out: Output, value: unknown): Promise<void> {
  if (out.json) {
    out.result(value, () => undefined);
    return;
  }
  const { stringify } = await import("yaml");
  process.stdout.write(stringify(value, { lineWidth: 0 }));
}
