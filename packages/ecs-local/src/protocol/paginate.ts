import { AwsError } from "../errors.js";

/**
 * Offset pagination with opaque tokens, as every List/Describe call pages: the token encodes the
 * next offset and is rejected when it was not one of ours.
 */
export function paginate<T>(items: T[], limit: number, nextToken: string | undefined, invalidTokenCode: string): { page: T[]; nextToken?: string } {
  let start = 0;
  if (nextToken !== undefined) {
    const decoded = decodeToken(nextToken);
    if (decoded === undefined) throw new AwsError(invalidTokenCode, "The specified nextToken is invalid.");
    start = decoded;
  }
  const page = items.slice(start, start + limit);
  const end = start + page.length;
  return { page, nextToken: end < items.length ? encodeToken(end) : undefined };
}

function encodeToken(offset: number): string {
  return Buffer.from(JSON.stringify({ o: offset, v: 1 })).toString("base64url");
}

function decodeToken(token: string): number | undefined {
  try {
    const parsed = JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as { o?: unknown; v?: unknown };
    return parsed.v === 1 && Number.isInteger(parsed.o) && (parsed.o as number) >= 0 ? (parsed.o as number) : undefined;
  } catch {
    return undefined;
  }
}
