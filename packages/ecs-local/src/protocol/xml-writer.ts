/**
 * Writes the XML bodies of query and EC2 responses. Handlers return objects keyed by wire names;
 * arrays become a wrapper element with one child per entry, named `member` (query protocol) or
 * `item` (EC2); Dates become ISO-8601; null and undefined members are left out, as AWS leaves them.
 */
export function xmlChildren(value: Record<string, unknown>, listItem: "member" | "item"): string {
  let out = "";
  for (const [name, v] of Object.entries(value)) out += xmlElement(name, v, listItem);
  return out;
}

export function xmlElement(name: string, value: unknown, listItem: "member" | "item"): string {
  if (value === undefined || value === null) return "";
  if (Array.isArray(value)) {
    return `<${name}>${value.map((v) => xmlElement(listItem, v, listItem)).join("")}</${name}>`;
  }
  if (value instanceof Date) return `<${name}>${value.toISOString()}</${name}>`;
  if (typeof value === "object") return `<${name}>${xmlChildren(value as Record<string, unknown>, listItem)}</${name}>`;
  return `<${name}>${escapeXml(String(value))}</${name}>`;
}

/** Escapes text content (AWS leaves quotes as they are in element text). */
export function escapeXml(text: string): string {
  return text.replace(/[&<>]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;" })[c] as string);
}
