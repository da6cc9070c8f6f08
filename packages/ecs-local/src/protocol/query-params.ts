/**
 * Turns query-protocol form parameters into a nested object. Dotted keys nest, numeric segments
 * (1-based in AWS's encoding) become array positions, and the `member`/`item` segments AWS puts
 * inside lists are dropped:
 *   `Filter.1.Name=vpc-id&Filter.1.Value.1=vpc-1` → `{ Filter: [{ Name: "vpc-id", Value: ["vpc-1"] }] }`
 *   `Tags.member.1.Key=k` → `{ Tags: [{ Key: "k" }] }`
 * Returns undefined for malformed keys (an empty segment, or an index that is not 1, 2, …).
 */
export function parseQueryParams(params: URLSearchParams): Record<string, unknown> | undefined {
  const root: Record<string, unknown> = {};
  for (const [key, value] of params) {
    const segments = key.split(".").filter((s, i, all) => !((s === "member" || s === "item") && i > 0 && /^\d+$/.test(all[i + 1] ?? "")));
    if (segments.some((s) => s === "")) return undefined;
    let node: Record<string, unknown> | unknown[] = root;
    for (let i = 0; i < segments.length; i++) {
      const seg = segments[i];
      const last = i === segments.length - 1;
      const nextIsIndex = !last && /^\d+$/.test(segments[i + 1]);
      let slot: string | number = seg;
      if (Array.isArray(node)) {
        const n = Number(seg);
        if (!Number.isInteger(n) || n < 1 || n > 1000) return undefined;
        slot = n - 1;
      } else if (/^\d+$/.test(seg)) {
        return undefined;
      }
      const container = node as Record<string | number, unknown>;
      if (last) {
        container[slot] = value;
      } else {
        let child = container[slot];
        if (child === undefined || typeof child !== "object" || child === null) {
          child = nextIsIndex ? [] : {};
          container[slot] = child;
        }
        node = child as Record<string, unknown> | unknown[];
      }
    }
  }
  return compact(root) as Record<string, unknown>;
}

/** Removes holes left by sparse indexes (`Value.3` without `Value.2`). */
function compact(v: unknown): unknown {
  if (Array.isArray(v)) return v.filter((x) => x !== undefined).map(compact);
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, compact(x)]));
  return v;
}

/** A query parameter read as a list of strings, whether sent as `Name.1=…` or a single `Name=…`. */
export function stringList(v: unknown): string[] {
  if (v === undefined) return [];
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === "string");
  return typeof v === "string" ? [v] : [];
}
