// The API key or user:password lives in sessionStorage only: it goes in the Authorization header,
// never in a URL or a log line, and is gone when the tab closes.

export interface Credentials {
  scheme: "Bearer" | "Basic";
  /** The API key (Bearer) or base64 of USER:PASS (Basic). */
  token: string;
}

const KEY = "ecsflow.credentials";

export function loadCredentials(): Credentials | null {
  try {
    const raw = sessionStorage.getItem(KEY);
    if (!raw) return null;
    const parsed = JSON.parse(raw) as Credentials;
    return parsed.scheme === "Bearer" || parsed.scheme === "Basic" ? parsed : null;
  } catch {
    return null;
  }
}

export function saveCredentials(credentials: Credentials | null): void {
  if (credentials) sessionStorage.setItem(KEY, JSON.stringify(credentials));
  else sessionStorage.removeItem(KEY);
}

export function basicToken(user: string, password: string): string {
  // btoa takes Latin-1 only; encode UTF-8 first so any user name works.
  const bytes = new TextEncoder().encode(`${user}:${password}`);
  return btoa(String.fromCharCode(...bytes));
}

export function authorizationHeader(credentials: Credentials | null): Record<string, string> {
  return credentials ? { authorization: `${credentials.scheme} ${credentials.token}` } : {};
}
