import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import type { CredentialScope } from "./sigv4-credential-scope.js";

export interface SignedRequest {
  method: string;
  /** Path and query string, as sent. */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** AWS refuses signatures dated further than this from its clock (replays of old captures). */
const MAX_SKEW_MS = 15 * 60_000;

const sha256 = (data: string) => createHash("sha256").update(data, "utf8").digest("hex");
const hmac = (key: Buffer | string, data: string) => createHmac("sha256", key).update(data, "utf8").digest();

/** RFC 3986 unreserved characters stay; everything else is %XX, upper case (SigV4's UriEncode). */
function uriEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, "%20"));
  } catch {
    return s;
  }
}

function headerValue(headers: SignedRequest["headers"], name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v.join(",") : v;
}

function parseAmzDate(s: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s);
  return m ? Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]) : undefined;
}

/**
 * Checks a header-signed SigV4 request against the secret key of its access key id: recomputes the
 * canonical request (method, path as the SDKs encode it for every service but S3, sorted query,
 * the signed headers, the body's SHA-256) and compares signatures in constant time. Answers why it
 * failed, or undefined when the signature is right.
 */
export function verifySigV4(req: SignedRequest, scope: CredentialScope, secretAccessKey: string, now: number): string | undefined {
  const auth = headerValue(req.headers, "authorization");
  if (!auth) return "Only requests signed in the Authorization header are accepted here (no presigned URLs).";
  const params = Object.fromEntries(
    auth
      .replace(/^AWS4-HMAC-SHA256\s+/, "")
      .split(/,\s*/)
      .map((p) => [p.slice(0, p.indexOf("=")).trim(), p.slice(p.indexOf("=") + 1).trim()]),
  ) as Record<string, string>;
  const signedHeaders = (params.SignedHeaders ?? "").split(";").filter(Boolean);
  if (!signedHeaders.includes("host")) return "The signature must cover the host header.";
  const amzDate = headerValue(req.headers, "x-amz-date");
  if (!amzDate || !signedHeaders.includes("x-amz-date")) return "The signature must cover an X-Amz-Date header.";
  const at = parseAmzDate(amzDate);
  if (at === undefined || !amzDate.startsWith(scope.date)) return "X-Amz-Date does not match the credential scope's date.";
  if (Math.abs(now - at) > MAX_SKEW_MS) return "Signature expired: X-Amz-Date is more than 15 minutes from the server's time.";

  const bodyHash = sha256(req.body);
  const declared = headerValue(req.headers, "x-amz-content-sha256");
  // A declared hash must be the body's own, or a captured signature could carry another body.
  if (declared !== undefined && declared !== bodyHash) return "X-Amz-Content-Sha256 does not match the body.";

  const q = req.url.indexOf("?");
  const path = q >= 0 ? req.url.slice(0, q) : req.url;
  const query = q >= 0 ? req.url.slice(q + 1) : "";
  // The SDKs encode each (already encoded) segment once more for services other than S3.
  const canonicalUri = path.split("/").map(uriEncode).join("/") || "/";
  const canonicalQuery = query
    .split("&")
    .filter(Boolean)
    .map((pair) => {
      const i = pair.indexOf("=");
      return [uriEncode(safeDecode(i < 0 ? pair : pair.slice(0, i))), uriEncode(safeDecode(i < 0 ? "" : pair.slice(i + 1)))];
    })
    .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join("&");
  const canonicalHeaders = signedHeaders.map((h) => `${h}:${(headerValue(req.headers, h) ?? "").trim().replace(/\s+/g, " ")}\n`).join("");
  const canonicalRequest = [req.method, canonicalUri, canonicalQuery, canonicalHeaders, signedHeaders.join(";"), declared ?? bodyHash].join("\n");
  const scopeText = `${scope.date}/${scope.region}/${scope.service}/aws4_request`;
  const stringToSign = ["AWS4-HMAC-SHA256", amzDate, scopeText, sha256(canonicalRequest)].join("\n");
  const key = hmac(hmac(hmac(hmac(`AWS4${secretAccessKey}`, scope.date), scope.region), scope.service), "aws4_request");
  const expected = hmac(key, stringToSign);
  const given = Buffer.from(params.Signature ?? "", "hex");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return "The request signature we calculated does not match the signature you provided.";
  return undefined;
}
