import { createHmac, randomBytes } from "node:crypto";

/** The header a receiver checks: `sha256=` and the hex HMAC-SHA256 of the raw body under the subscription's secret. */
export const SIGNATURE_HEADER = "x-ecsflow-signature";

export function signBody(secret: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

export function newSecret(): string {
  return randomBytes(32).toString("base64url");
}
