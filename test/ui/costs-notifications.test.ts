import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../support/test-server.js";
import { waitFor } from "../support/wait-for.js";
import { chromiumAvailable, expectAccessible, launchBrowser, newContext, originOf, screenshot, SKIP_NOTE } from "./support/browser.js";
import { api, seedDeployment, setState } from "./support/seed.js";

/** A webhook receiver answering every POST with `status`; counts what it got. */
async function startReceiver(status: number) {
  const received: string[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push(Buffer.concat(chunks).toString("utf8"));
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    received,
    close: () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))),
  };
}

// One hour of 1 vCPU / 2 GB on Fargate us-east-1 x86: 0.04048 + 2 × 0.004445 = $0.04937.
const FARGATE_HOUR = {
  launch_type: "FARGATE",
  region: "us-east-1",
  cpu_architecture: "x86_64",
  cpu: 1024,
  memory: 2048,
  started_at: "2026-12-01T10:00:00Z",
  stopped_at: "2026-12-01T11:00:00Z",
};

describe.skipIf(!chromiumAvailable)(`UI costs and notifications in a real browser${SKIP_NOTE}`, () => {
  let browser: Browser;
  let server: TestServer;
  let context: BrowserContext;
  let page: Page;
  let origin: string;

  beforeAll(async () => {
    [browser, server] = await Promise.all([
      launchBrowser(),
      startTestServer("sqlite", { services: { notificationDelivery: { enabled: true, loopSeconds: 0.05, baseBackoffMs: 20, maxBackoffMs: 50, maxAttempts: 1, timeoutMs: 1000 } } }),
    ]);
    origin = originOf(server.apiUrl);
    context = await newContext(browser);
    page = await context.newPage();
    page.on("dialog", (d) => void d.accept());
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await server?.close();
  });

  it("shows a finished run's cost on its page, and the sums per deployment and per work pool", async () => {
    const { flowId, deploymentId } = await seedDeployment(server, "ui-cost-pool", "cost-flow", "nightly");
    const runs = [];
    for (let i = 0; i < 2; i++) {
      const run = await api<{ id: string }>(server, "POST", `/deployments/${deploymentId}/create_flow_run`, {});
      await setState(server, run.id, "COMPLETED");
      await api(server, "POST", `/ecsflow/flow_runs/${run.id}/cost`, FARGATE_HOUR);
      runs.push(run.id);
    }
    // A run with no deployment and no price (EXTERNAL is not priced) still counts as a run.
    const adhoc = await api<{ id: string }>(server, "POST", "/flow_runs/", { flow_id: flowId, work_pool_name: "ui-cost-pool" });
    await setState(server, adhoc.id, "COMPLETED");
    await api(server, "POST", `/ecsflow/flow_runs/${adhoc.id}/cost`, { ...FARGATE_HOUR, launch_type: "EXTERNAL" });

    await page.goto(`${origin}/runs/${runs[0]}`);
    const cost = page.getByRole("definition").filter({ hasText: "$0.0494" });
    await cost.waitFor();
    const facts = page.getByRole("region", { name: "Cost" });
    for (const text of ["FARGATE", "1 vCPU (1024 units)", "2 GB (2048 MiB)", "1h 0m (3600 s)", "0.04048", "Checked 2026-12-07"]) await facts.getByText(text, { exact: false }).first().waitFor();
    await expectAccessible(page, "run cost");
    await screenshot(page, "run-cost");

    await page.goto(`${origin}/runs/${adhoc.id}`);
    await page.getByRole("region", { name: "Cost" }).getByText("Not priced").waitFor();

    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Costs" }).click();
    const byDeployment = page.getByRole("table", { name: "Cost per deployment" });
    const nightly = byDeployment.getByRole("row").filter({ has: page.getByRole("link", { name: "nightly" }) });
    await nightly.waitFor();
    expect(await nightly.getByRole("cell").allTextContents()).toEqual(["2", "2", "2h 0m", "$0.0987"]);
    expect(await byDeployment.getByRole("row").filter({ hasText: "No deployment" }).getByRole("cell").allTextContents()).toEqual(["1", "0", "None", "$0.00"]);
    const pool = page.getByRole("table", { name: "Cost per work pool" }).getByRole("row").filter({ has: page.getByRole("link", { name: "ui-cost-pool" }) });
    expect(await pool.getByRole("cell").allTextContents()).toEqual(["3", "2", "2h 0m", "$0.0987"]);
    await expectAccessible(page, "costs");
    await screenshot(page, "costs");

    // Only tasks stopped in the chosen period count: these stopped days ago.
    await page.getByLabel("Tasks stopped").selectOption("24h");
    await page.getByText("No run costs recorded.").waitFor();
  });

  it("creates a notification from the form (bad URL refused at the field), shows each subscription's last delivery, and deletes one", async () => {
    const good = await startReceiver(200);
    const bad = await startReceiver(500);
    try {
      const failing = await api(server, "POST", "/ecsflow/notifications", { name: "pager", url: bad.url, state_types: ["FAILED"], tags: ["ui-notify"] });
      await page.goto(`${origin}/notifications`);
      await page.getByRole("cell", { name: "No deliveries yet" }).waitFor();
      await page.getByRole("button", { name: "New notification" }).click();
      const form = page.getByRole("form", { name: "New notification" });
      await form.getByLabel("Webhook URL").fill("ftp://example.com/hook");
      await form.getByRole("button", { name: "Create notification" }).click();
      await form.getByText("Webhook URL must start with http:// or https://").waitFor();
      expect(await form.getByLabel("Webhook URL").getAttribute("aria-invalid")).toBe("true");
      // The server's own check (link-local metadata address) comes back as a 422 at the same field.
      await form.getByLabel("Webhook URL").fill("http://169.254.169.254/latest");
      await form.getByRole("button", { name: "Create notification" }).click();
      await form.getByText(/Webhook URL .*link-local/).waitFor();
      await expectAccessible(page, "new notification with errors");
      await screenshot(page, "notification-create-error");

      await form.getByLabel("Name").fill("team-hook");
      await form.getByLabel("Webhook URL").fill(good.url);
      await form.getByLabel("Format").selectOption("slack");
      await form.getByLabel("Tags").fill("ui-notify");
      await form.getByRole("button", { name: "Create notification" }).click();
      await page.getByRole("status").getByText("Notification team-hook created").waitFor();
      const secret = await page.getByRole("status").locator("code").textContent();
      const listed = await api<{ id: string; name: string; format: string; state_types: string[]; tags: string[] }[]>(server, "GET", "/ecsflow/notifications");
      const created = listed.find((n) => n.name === "team-hook")!;
      expect(created).toMatchObject({ format: "slack", state_types: ["FAILED", "CRASHED"], tags: ["ui-notify"] });
      expect(secret).toMatch(/^[\w-]{40,}$/);

      const { flowId } = await seedDeployment(server, "ui-notify-pool", "notify-flow", "notify");
      const run = await api<{ id: string }>(server, "POST", "/flow_runs/", { flow_id: flowId, tags: ["ui-notify"] });
      await setState(server, run.id, "RUNNING");
      await setState(server, run.id, "FAILED", "boom");
      await waitFor("both deliveries", async () => good.received.length === 1 && bad.received.length === 1);
      await waitFor("both outcomes stored", async () =>
        (await api<{ last_delivery_status: string | null }[]>(server, "GET", "/ecsflow/notifications")).every((n) => n.last_delivery_status === "DELIVERED" || n.last_delivery_status === "FAILED"),
      );
      // The page polls every 10 s; a reload shows the stored outcome without waiting for it.
      await page.reload();

      const rowOf = (name: string) => page.getByRole("table", { name: "Notifications" }).getByRole("row").filter({ has: page.getByRole("rowheader", { name, exact: true }) });
      await rowOf("team-hook").getByText("Delivered").waitFor();
      await rowOf("team-hook").getByText("1 attempt").waitFor();
      await rowOf("pager").getByText("Failed", { exact: true }).waitFor();
      await rowOf("pager").getByText(/500/).waitFor();
      await expectAccessible(page, "notifications");
      await screenshot(page, "notifications");

      await page.getByRole("button", { name: "Delete notification pager" }).click();
      await rowOf("pager").waitFor({ state: "detached" });
      expect((await server.request("GET", `/ecsflow/notifications/${failing.id}`)).status).toBe(404);
      expect(await rowOf("team-hook").count()).toBe(1);
    } finally {
      await good.close();
      await bad.close();
    }
  });
});
