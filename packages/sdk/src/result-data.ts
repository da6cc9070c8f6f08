/** Largest JSON result kept as a state's data; bigger ones are summarised (no result storage yet). */
export const MAX_RESULT_BYTES = 64 * 1024;

/**
 * What a final state keeps of a run's return value: the value itself when it is JSON of at most
 * 64 KiB, otherwise a short description so the UI can still say what came back.
 */
export function resultData(value: unknown): unknown {
  if (value === undefined) return null;
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch (err) {
    return { summary: `${describe(value)} (not JSON-serialisable: ${err instanceof Error ? err.message : String(err)})`, truncated: true };
  }
  if (json === undefined) return { summary: `${describe(value)} (not JSON-serialisable)`, truncated: true };
  const bytes = Buffer.byteLength(json);
  if (bytes <= MAX_RESULT_BYTES) return JSON.parse(json);
  return { summary: `${describe(value)} of ${bytes} bytes as JSON (over the ${MAX_RESULT_BYTES}-byte limit; not kept)`, truncated: true, bytes };
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return `array of ${value.length} items`;
  if (value === null) return "null";
  if (typeof value === "object") return `${value.constructor?.name ?? "object"} with ${Object.keys(value).length} keys`;
  return typeof value;
}
