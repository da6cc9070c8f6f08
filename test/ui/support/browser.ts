import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { resolve } from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { expect } from "vitest";

export const CHROMIUM = "/usr/bin/chromium";
export const chromiumAvailable = existsSync(CHROMIUM);
/** Appended to suite titles so a skip says how to un-skip it. */
export const SKIP_NOTE = chromiumAvailable ? "" : ` (skipped: ${CHROMIUM} missing; apt-get install -y chromium)`;

export const SCREENSHOT_DIR = resolve(import.meta.dirname, "../../../.test-results/ui");

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // Playwright gives every launch a fresh temporary profile (--user-data-dir).
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

/**
 * A context per test: its own sessionStorage. CSP is bypassed only so that axe-core can be
 * injected; the app itself never needs inline scripts.
 */
export async function newContext(browser: Browser, options: { width?: number; height?: number; dark?: boolean } = {}): Promise<BrowserContext> {
  const context = await browser.newContext({
    viewport: { width: options.width ?? 1280, height: options.height ?? 900 },
    bypassCSP: true,
    colorScheme: options.dark ? "dark" : "light",
  });
  // Waits are for states and text to appear; 15 s is far beyond any of them on these machines.
  context.setDefaultTimeout(15_000);
  return context;
}

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** Runs axe-core on the page; fails on serious or critical violations, naming each. */
export async function expectAccessible(page: Page, label: string): Promise<void> {
  if (!(await page.evaluate("typeof window.axe !== 'undefined'"))) await page.addScriptTag({ content: AXE_SOURCE });
  const violations = (await page.evaluate("window.axe.run(document, { resultTypes: ['violations'] }).then(r => r.violations)")) as AxeViolation[];
  const serious = violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${label}: ${v.id} (${v.impact}) ${v.help} at ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  expect(serious).toEqual([]);
}

/** Saves a full-page screenshot as a test artifact (.test-results/ui/<name>.png). */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: resolve(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}

/** The server's origin (no /api) for a test server's apiUrl. */
export const originOf = (apiUrl: string) => apiUrl.replace(/\/api$/, "");
