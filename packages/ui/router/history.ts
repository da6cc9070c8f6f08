// A small client-side router over the History API: the app has a handful of routes, so a
// dependency would cost more bundle than it saves code.
import { useSyncExternalStore } from "react";

const CHANGE = "ecsflow:navigate";

function subscribe(onChange: () => void): () => void {
  window.addEventListener("popstate", onChange);
  window.addEventListener(CHANGE, onChange);
  return () => {
    window.removeEventListener("popstate", onChange);
    window.removeEventListener(CHANGE, onChange);
  };
}

const snapshot = () => window.location.pathname + window.location.search;

/** The current path and query, re-rendering on every navigation. */
export function useLocation(): { pathname: string; search: URLSearchParams; href: string } {
  const href = useSyncExternalStore(subscribe, snapshot);
  const url = new URL(href, window.location.origin);
  return { pathname: url.pathname, search: url.searchParams, href };
}

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (to === snapshot()) return;
  if (options.replace) window.history.replaceState(null, "", to);
  else window.history.pushState(null, "", to);
  window.dispatchEvent(new Event(CHANGE));
}

/** Writes query parameters (empty values removed) and keeps the path. */
export function updateSearch(changes: Record<string, string | string[] | null | undefined>, options: { replace?: boolean } = {}): void {
  const url = new URL(window.location.href);
  for (const [key, value] of Object.entries(changes)) {
    url.searchParams.delete(key);
    const values = value === null || value === undefined ? [] : Array.isArray(value) ? value : [value];
    for (const v of values) if (v !== "") url.searchParams.append(key, v);
  }
  navigate(url.pathname + url.search, options);
}
