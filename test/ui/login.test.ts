import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../support/test-server.js";
import { chromiumAvailable, expectAccessible, launchBrowser, newContext, originOf, screenshot, SKIP_NOTE } from "./support/browser.js";

describe.skipIf(!chromiumAvailable)(`UI sign-in when the server has auth on${SKIP_NOTE}`, () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(() => browser?.close());

  it("asks for the API key, refuses a wrong one in words, keeps the right one in sessionStorage only, and sends it on API calls", async () => {
    const server: TestServer = await startTestServer("sqlite", { auth: { apiKey: "k3y-for-ui" } });
    const context = await newContext(browser);
    try {
      const page = await context.newPage();
      const requests: { url: string; authorization?: string }[] = [];
      page.on("request", (r) => requests.push({ url: r.url(), authorization: r.headers()["authorization"] }));
      await page.goto(`${originOf(server.apiUrl)}/runs`);
      await page.getByRole("heading", { name: "Sign in to ecsflow" }).waitFor();
      await expectAccessible(page, "login");
      await screenshot(page, "login");

      await page.getByLabel("API key").fill("wrong");
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.getByRole("alert").filter({ hasText: "did not accept this API key" }).waitFor();

      await page.getByLabel("API key").fill("k3y-for-ui");
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.getByRole("button", { name: "Sign out" }).waitFor();
      expect(page.url()).toBe(`${originOf(server.apiUrl)}/runs`);

      const stored = await page.evaluate("sessionStorage.getItem('ecsflow.credentials')");
      expect(JSON.parse(String(stored))).toEqual({ scheme: "Bearer", token: "k3y-for-ui" });
      expect(await page.evaluate("localStorage.length")).toBe(0);
      expect(requests.every((r) => !r.url.includes("k3y-for-ui"))).toBe(true);
      const apiCalls = requests.filter((r) => r.url.includes("/api/") && r.authorization === "Bearer k3y-for-ui");
      expect(apiCalls.length).toBeGreaterThan(0);

      await page.getByRole("button", { name: "Sign out" }).click();
      await page.getByRole("heading", { name: "Sign in to ecsflow" }).waitFor();
      expect(await page.evaluate("sessionStorage.getItem('ecsflow.credentials')")).toBeNull();
    } finally {
      await context.close();
      await server.close();
    }
  });

  it("asks for user and password when the server uses an auth string (HTTP Basic)", async () => {
    const server = await startTestServer("sqlite", { auth: { authString: "admin:pa ss" } });
    const context = await newContext(browser);
    try {
      const page = await context.newPage();
      await page.goto(originOf(server.apiUrl));
      await page.getByLabel("User").fill("admin");
      await page.getByLabel("Password").fill("pa ss");
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.getByRole("heading", { name: "Dashboard", level: 1 }).waitFor();
      const stored = JSON.parse(String(await page.evaluate("sessionStorage.getItem('ecsflow.credentials')")));
      expect(stored.scheme).toBe("Basic");
      expect(Buffer.from(stored.token, "base64").toString("utf8")).toBe("admin:pa ss");
    } finally {
      await context.close();
      await server.close();
    }
  });

  it("shows the app at once when the server has no auth", async () => {
    const server = await startTestServer("sqlite");
    const context = await newContext(browser);
    try {
      const page = await context.newPage();
      await page.goto(originOf(server.apiUrl));
      await page.getByRole("heading", { name: "Dashboard", level: 1 }).waitFor();
      expect(await page.getByRole("button", { name: "Sign out" }).count()).toBe(0);
    } finally {
      await context.close();
      await server.close();
    }
  });
});
