import { isIP } from "node:net";

/**
 * Why a webhook URL is refused, or null when it is acceptable: http(s) only, a host, and never a
 * link-local address (169.254.0.0/16, fe80::/10), where clouds serve instance metadata and
 * credentials: a subscription must not be a way to make the server fetch those.
 */
export function webhookUrlProblem(text: string): string | null {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return "is not a URL";
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return "must be an http or https URL";
  if (!url.hostname) return "has no host";
  if (url.username || url.password) return "must not carry credentials (use the signing secret)";
  if (isLinkLocal(url.hostname.replace(/^\[|\]$/g, ""))) return "points at a link-local (instance metadata) address";
  return null;
}

export function isLinkLocal(host: string): boolean {
  const kind = isIP(host);
  if (kind === 4) return host.startsWith("169.254.");
  if (kind === 6) {
    const lower = host.toLowerCase();
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
    if (mapped) return mapped[1].startsWith("169.254.");
    // WHATWG URL writes an IPv4-mapped address in hex: ::ffff:a9fe:xxxx is 169.254.x.x.
    if (/^::ffff:a9fe:[0-9a-f]{1,4}$/.test(lower)) return true;
    // fe80::/10, and AWS's IPv6 metadata address fd00:ec2::254.
    return /^fe[89ab]/.test(lower) || lower === "fd00:ec2::254";
  }
  return false;
}
