/** The parts of a SigV4 credential scope: `AKID/20240101/us-east-1/ecs/aws4_request`. */
export interface CredentialScope {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
}

export type ScopeResult = { ok: true; scope: CredentialScope } | { ok: false; reason: "missing" | "malformed"; message: string };

const SCOPE = /^([^/\s]+)\/(\d{8})\/([a-z0-9-]+)\/([a-z0-9-]+)\/aws4_request$/;

/**
 * ecs-local accepts any well-formed SigV4 signature (it cannot know the secret key); what it needs is
 * the credential scope, which names the service and Region the client meant. Reads the
 * Authorization header, or the X-Amz-* query parameters of a presigned request.
 */
export function readCredentialScope(headers: Record<string, string | string[] | undefined>, query: URLSearchParams): ScopeResult {
  const header = headers["authorization"];
  const auth = Array.isArray(header) ? header[0] : header;
  if (auth) {
    const m = /^AWS4-HMAC-SHA256\s+(.*)$/.exec(auth.trim());
    if (!m) return { ok: false, reason: "malformed", message: "Authorization header requires a SigV4 'AWS4-HMAC-SHA256' signature." };
    const parts = Object.fromEntries(
      m[1].split(/,\s*/).map((p) => {
        const i = p.indexOf("=");
        return i < 0 ? [p, ""] : [p.slice(0, i).trim(), p.slice(i + 1).trim()];
      }),
    ) as Record<string, string>;
    if (!parts.Credential || !parts.SignedHeaders || !parts.Signature) {
      return { ok: false, reason: "malformed", message: "Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters." };
    }
    if (!/^[0-9a-f]{64}$/.test(parts.Signature)) return { ok: false, reason: "malformed", message: "Signature must be 64 hexadecimal characters." };
    const date = headers["x-amz-date"] ?? headers["date"];
    if (!date) return { ok: false, reason: "malformed", message: "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header." };
    return parseScope(parts.Credential);
  }
  const credential = query.get("X-Amz-Credential");
  if (credential) {
    if (query.get("X-Amz-Algorithm") !== "AWS4-HMAC-SHA256" || !query.get("X-Amz-Signature") || !query.get("X-Amz-Date")) {
      return { ok: false, reason: "malformed", message: "Presigned requests need X-Amz-Algorithm, X-Amz-Date and X-Amz-Signature." };
    }
    return parseScope(credential);
  }
  return { ok: false, reason: "missing", message: "Missing Authentication Token" };
}

function parseScope(credential: string): ScopeResult {
  const m = SCOPE.exec(credential);
  if (!m) return { ok: false, reason: "malformed", message: `Credential should be scoped to a valid region and service: ${credential.split("/").slice(1).join("/")}` };
  return { ok: true, scope: { accessKeyId: m[1], date: m[2], region: m[3], service: m[4] } };
}
