/** What Prefect shows instead of a secret value. */
export const OBFUSCATED = "********";

type Data = Record<string, unknown>;

/** A flat view of nested data: path → leaf, where a non-empty object is walked into (as Prefect flattens). */
function flatten(data: Data, parent: string[] = [], out = new Map<string, { path: string[]; value: unknown }>()) {
  for (const [k, v] of Object.entries(data)) {
    const path = [...parent, k];
    if (v !== null && typeof v === "object" && !Array.isArray(v) && Object.keys(v).length > 0) flatten(v as Data, path, out);
    else out.set(JSON.stringify(path), { path, value: v });
  }
  return out;
}

function setPath(target: Data, path: string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) node = node[key] as Data;
  node[path[path.length - 1]] = value;
}

/** Each leaf that a `secret_fields` entry names (`a.b`, or `a.*` for all under a) with the leaf's path. */
function secretLeaves(data: Data, secretFields: string[]): { path: string[]; value: unknown }[] {
  const flat = [...flatten(data).values()];
  return flat.filter(({ path, value }) =>
    secretFields.some((field) => {
      const parts = field.split(".");
      const star = parts.indexOf("*");
      if (star < 0) return value !== null && value !== undefined && parts.length === path.length && parts.every((p, i) => p === path[i]);
      return path.length > star && parts.slice(0, star).every((p, i) => p === path[i]);
    }),
  );
}

/** A copy of the data with every secret field's value replaced by `********`. */
export function obfuscateSecrets(data: Data, secretFields: string[]): Data {
  const copy = structuredClone(data);
  for (const { path } of secretLeaves(copy, secretFields)) setPath(copy, path, OBFUSCATED);
  return copy;
}

/**
 * A client that read a document without secrets and saves it back sends `********` for them:
 * such values keep the stored secret instead of overwriting it (as Prefect does).
 */
export function keepObfuscatedSecrets(update: Data, current: Data, secretFields: string[]): Data {
  const copy = structuredClone(update);
  const stored = flatten(current);
  for (const { path, value } of secretLeaves(copy, secretFields)) {
    const previous = stored.get(JSON.stringify(path));
    if (value === OBFUSCATED && previous) setPath(copy, path, previous.value);
  }
  return copy;
}
