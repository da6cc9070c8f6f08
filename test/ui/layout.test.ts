import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../support/test-server.js";
import { chromiumAvailable, expectAccessible, launchBrowser, newContext, originOf, screenshot, SKIP_NOTE } from "./support/browser.js";

describe.skipIf(!chromiumAvailable)(`UI layout, keyboard, phone width and dark mode${SKIP_NOTE}`, () => {
  let browser: Browser;
  let server: TestServer;
  let origin: string;
  beforeAll(async () => {
    [browser, server] = await Promise.all([launchBrowser(), startTestServer("sqlite")]);
    origin = originOf(server.apiUrl);
    await server.request("POST", "/work_pools/", { name: "layout-pool", type: "process" });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it("is keyboard navigable: a skip link first, then the main navigation, and focus moves to the new page", async () => {
    const context = await newContext(browser);
    try {
      const page = await context.newPage();
      await page.goto(`${origin}/work-pools`);
      await page.getByRole("link", { name: "layout-pool" }).waitFor();
      await page.keyboard.press("Tab");
      expect(await page.evaluate("document.activeElement.textContent")).toBe("Skip to content");
      await page.keyboard.press("Enter");
      expect(await page.evaluate("document.activeElement.id")).toBe("main");

      // Tab to the pool's link and open it with Enter, as a keyboard user would.
      const link = page.getByRole("link", { name: "layout-pool" });
      for (let i = 0; i < 20 && !(await link.evaluate((el) => el === (el.ownerDocument as any).activeElement)); i++) await page.keyboard.press("Tab");
      await page.keyboard.press("Enter");
      await page.getByRole("heading", { name: "layout-pool", level: 1 }).waitFor();
      expect(await page.evaluate("document.activeElement.id")).toBe("main");
      expect(await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Work pools" }).getAttribute("aria-current")).toBe("page");
    } finally {
      await context.close();
    }
  });

  it("fits a phone-width screen without sideways scrolling of the page", async () => {
    const context = await newContext(browser, { width: 375, height: 740 });
    try {
      const page = await context.newPage();
      await page.goto(`${origin}/work-pools/layout-pool`);
      await page.getByRole("heading", { name: "layout-pool", level: 1 }).waitFor();
      const overflow = (await page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")) as number;
      expect(overflow).toBeLessThanOrEqual(0);
      await expectAccessible(page, "work pool (phone)");
      await screenshot(page, "work-pool-detail-phone");
    } finally {
      await context.close();
    }
  });

  it("follows the system's dark mode", async () => {
    const context = await newContext(browser, { dark: true });
    try {
      const page = await context.newPage();
      await page.goto(`${origin}/work-pools`);
      await page.getByRole("link", { name: "layout-pool" }).waitFor();
      const background = await page.evaluate("getComputedStyle(document.documentElement).backgroundColor");
      expect(background).toBe("rgb(17, 20, 24)");
      await expectAccessible(page, "work pools (dark)");
      await screenshot(page, "work-pools-dark");
    } finally {
      await context.close();
    }
  });

  it("says so for an unknown page and for an unknown pool, in words", async () => {
    const context = await newContext(browser);
    try {
      const page = await context.newPage();
      await page.goto(`${origin}/no/such/page`);
      await page.getByRole("heading", { name: "Page not found" }).waitFor();
      await expectAccessible(page, "not found");
      await page.goto(`${origin}/work-pools/missing-pool`);
      await page.getByRole("alert").filter({ hasText: 'The work pool could not be loaded: Work pool "missing-pool" not found.' }).waitFor();
      await screenshot(page, "work-pool-missing");
    } finally {
      await context.close();
    }
  });
});
