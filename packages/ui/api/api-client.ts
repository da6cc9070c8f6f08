import { ApiError, apiErrorFromResponse } from "./api-error";
import { authorizationHeader, loadCredentials, type Credentials } from "./credentials";

/** The API lives beside the UI on the same server. */
export const API_BASE = "/api";

type UnauthorizedListener = (challenge: string | null) => void;
const unauthorizedListeners = new Set<UnauthorizedListener>();

/** Called with the server's `WWW-Authenticate` challenge whenever a call answers 401. */
export function onUnauthorized(listener: UnauthorizedListener): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

export interface RequestOptions {
  signal?: AbortSignal;
  /** Credentials to try instead of the stored ones (the login form). */
  credentials?: Credentials | null;
}

/** One JSON call to the API; throws ApiError with words for every failure. */
export async function apiRequest<T>(method: string, path: string, body?: unknown, options: RequestOptions = {}): Promise<T> {
  const credentials = options.credentials === undefined ? loadCredentials() : options.credentials;
  let response: Response;
  try {
    response = await fetch(`${API_BASE}${path}`, {
      method,
      headers: { accept: "application/json", ...(body === undefined ? {} : { "content-type": "application/json" }), ...authorizationHeader(credentials) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: options.signal,
      // "omit" keeps the browser from popping its own Basic-auth dialog on a 401: the UI asks instead.
      credentials: "omit",
      cache: "no-store",
    });
  } catch (err) {
    if ((err as Error).name === "AbortError") throw err;
    throw new ApiError(`Could not reach the ecsflow server (${method} ${API_BASE}${path}): ${(err as Error).message}. Is it running?`, 0);
  }
  const text = await response.text();
  let parsed: unknown = undefined;
  if (text) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = text;
    }
  }
  if (!response.ok) {
    if (response.status === 401 && options.credentials === undefined) {
      const challenge = response.headers.get("www-authenticate");
      for (const listener of unauthorizedListeners) listener(challenge);
    }
    throw apiErrorFromResponse(method, path, response.status, response.statusText, parsed);
  }
  return parsed as T;
}
