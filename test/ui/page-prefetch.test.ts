import type { Browser, Request } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer } from "../support/test-server.js";
import { chromiumAvailable, launchBrowser, newContext, originOf, SKIP_NOTE } from "./support/browser.js";
import { api, seedDeployment, setState } from "./support/seed.js";

/** The API calls a page made, as "METHOD path" (with the logs' offset, to tell pages apart). */
function apiCalls(requests: Request[], origin: string): string[] {
  return requests
    .filter((r) => r.url().startsWith(`${origin}/api/`))
    .map((r) => {
      const path = r.url().slice(origin.length);
      const body = r.postData();
      const offset = path === "/api/logs/filter" && body ? ` offset=${JSON.parse(body).offset}` : "";
      return `${r.method()} ${path}${offset}`;
    });
}

// A page's first loads start before React (router/prefetch-route.ts); the page must take
// them instead of asking twice, and a primed load refused for want of credentials must not stick.
describe.skipIf(!chromiumAvailable)(`UI pages opened directly: their primed first loads${SKIP_NOTE}`, () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(() => browser?.close());

  it("asks for the run, its states, its task runs and its first logs once each, and reloads for real afterwards", async () => {
    const server = await startTestServer("sqlite");
    const context = await newContext(browser);
    try {
      const { deploymentId } = await seedDeployment(server, "prefetch-pool");
      const run = await api(server, "POST", `/deployments/${deploymentId}/create_flow_run`, {});
      await setState(server, run.id, "RUNNING");
      await setState(server, run.id, "COMPLETED");
      await api(server, "POST", "/logs/", [{ name: "t", level: 20, message: "primed line", timestamp: new Date().toISOString(), flow_run_id: run.id }]);
      const origin = originOf(server.apiUrl);
      const page = await context.newPage();
      const requests: Request[] = [];
      page.on("request", (r) => requests.push(r));

      await page.goto(`${origin}/runs/${run.id}`);
      await page.getByRole("heading", { name: run.name, level: 1 }).waitFor();
      await page.locator('[aria-label="State history"] li').first().waitFor();
      await page.getByText("primed line").waitFor();
      const calls = apiCalls(requests, origin);
      const count = (call: string) => calls.filter((c) => c === call).length;
      expect(count(`GET /api/flow_runs/${run.id}`)).toBe(1);
      expect(count(`GET /api/flow_run_states/?flow_run_id=${run.id}`)).toBe(1);
      expect(count("POST /api/task_runs/filter")).toBe(1);
      expect(count("POST /api/logs/filter offset=0")).toBe(1);
      expect(await page.locator('[aria-label="State history"] li').count()).toBe(3);

      // Away and back inside the app: the primed loads were taken once, so the page asks again.
      await page.getByRole("link", { name: "Runs", exact: true }).first().click();
      await page.locator("table tbody tr").first().waitFor();
      await page.getByRole("link", { name: run.name }).first().click();
      await page.locator('[aria-label="State history"] li').first().waitFor();
      expect(apiCalls(requests, origin).filter((c) => c === `GET /api/flow_runs/${run.id}`).length).toBe(2);
    } finally {
      await context.close();
      await server.close();
    }
  });

  it("asks for the dashboard's runs and pools once each when it is opened by its URL", async () => {
    const server = await startTestServer("sqlite");
    const context = await newContext(browser);
    try {
      await seedDeployment(server, "prefetch-dashboard-pool");
      const origin = originOf(server.apiUrl);
      const page = await context.newPage();
      const requests: Request[] = [];
      page.on("request", (r) => requests.push(r));
      await page.goto(`${origin}/`);
      await page.locator("svg.chart").waitFor();
      await page.getByRole("link", { name: "prefetch-dashboard-pool" }).first().waitFor();
      const calls = apiCalls(requests, origin);
      expect(calls.filter((c) => c === "POST /api/flow_runs/history")).toHaveLength(1);
      expect(calls.filter((c) => c === "POST /api/work_pools/filter")).toHaveLength(1);
      expect(calls.filter((c) => c === "POST /api/work_pools/prefetch-dashboard-pool/workers/filter")).toHaveLength(1);
    } finally {
      await context.close();
      await server.close();
    }
  });

  it("shows the run after sign-in although its primed loads were refused (401) before it", async () => {
    const server = await startTestServer("sqlite", { auth: { apiKey: "prefetch-key" } });
    const context = await newContext(browser);
    try {
      const key = { authorization: "Bearer prefetch-key" };
      const flow = await server.request("POST", "/flows/", { name: "prefetch-auth-flow" }, key);
      const created = await server.request("POST", "/flow_runs/", { flow_id: flow.body.id }, key);
      expect(created.status).toBe(201);
      const run = created.body;
      const origin = originOf(server.apiUrl);
      const page = await context.newPage();
      const statuses: number[] = [];
      page.on("response", (r) => r.url().endsWith(`/api/flow_runs/${run.id}`) && statuses.push(r.status()));
      await page.goto(`${origin}/runs/${run.id}`);
      await page.getByLabel("API key").fill("prefetch-key");
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.getByRole("heading", { name: run.name, level: 1 }).waitFor();
      expect(await page.getByText("This run could not be loaded").count()).toBe(0);
      // Refused before sign-in: once when primed, and again when the page asked itself if the
      // primed answer was already in when it mounted (timing); after sign-in, asked once and shown.
      expect(statuses[0]).toBe(401);
      expect(statuses.slice(0, -1).every((s) => s === 401)).toBe(true);
      expect(statuses.at(-1)).toBe(200);
      expect(statuses.length).toBeLessThanOrEqual(3);
    } finally {
      await context.close();
      await server.close();
    }
  });
});
