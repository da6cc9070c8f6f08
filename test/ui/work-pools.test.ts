import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../support/test-server.js";
import { api } from "./support/seed.js";
import { chromiumAvailable, expectAccessible, launchBrowser, newContext, originOf, screenshot, SKIP_NOTE } from "./support/browser.js";

describe.skipIf(!chromiumAvailable)(`UI work pools in a real browser${SKIP_NOTE}`, () => {
  let browser: Browser;
  let server: TestServer;
  let context: BrowserContext;
  let page: Page;
  let origin: string;

  beforeAll(async () => {
    [browser, server] = await Promise.all([launchBrowser(), startTestServer("sqlite")]);
    origin = originOf(server.apiUrl);
    context = await newContext(browser);
    page = await context.newPage();
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await server?.close();
  });

  it("says what to do when there are no pools, then creates an ecs pool from the form", async () => {
    await page.goto(`${origin}/work-pools`);
    await page.getByText("No work pools yet.").waitFor();
    expect(await page.getByText("ecsflow worker start --pool my-pool").count()).toBe(1);
    await expectAccessible(page, "work pools (empty)");
    await screenshot(page, "work-pools-empty");

    await page.getByRole("link", { name: "Create work pool" }).click();
    await page.getByRole("heading", { name: "Create work pool", level: 1 }).waitFor();
    // A name the API refuses is caught at the field before anything is sent.
    await page.getByLabel("Name").fill("bad/name");
    await page.getByRole("button", { name: "Create pool" }).click();
    await page.getByText("Name may not contain").waitFor();
    expect(await page.getByLabel("Name").getAttribute("aria-invalid")).toBe("true");
    await expectAccessible(page, "create pool");
    await screenshot(page, "work-pool-create");

    await page.getByLabel("Name").fill("ui-ecs-pool");
    await page.getByLabel("Type").selectOption("ecs");
    await page.getByLabel("Concurrency limit (optional)").fill("5");
    await page.getByRole("button", { name: "Create pool" }).click();
    await page.getByRole("heading", { name: "ui-ecs-pool", level: 1 }).waitFor();
    expect(page.url()).toBe(`${origin}/work-pools/ui-ecs-pool`);

    const stored = await server.request("GET", "/work_pools/ui-ecs-pool");
    expect(stored.body).toMatchObject({ type: "ecs", concurrency_limit: 5 });
    // The server gave the pool the ecs default template, and the page shows it.
    await page.getByText("No workers have polled this pool.").waitFor();
    expect(await page.getByText("ecsflow worker start --pool ui-ecs-pool").count()).toBe(1);
    await page.getByRole("cell", { name: "default", exact: true }).waitFor();
    expect(await page.getByLabel("Base job template (JSON)").textContent()).toContain('"task_definition"');
  });

  it("refuses an invalid template value at its field, saves a valid one, and shows the server's 422 at the field", async () => {
    await page.goto(`${origin}/work-pools/ui-ecs-pool`);
    await page.getByRole("button", { name: "Edit template" }).click();
    const cpu = page.getByLabel("cpu (integer)");
    await cpu.fill("lots");
    await page.getByRole("button", { name: "Save template" }).click();
    await page.getByText("cpu default must be a whole number").waitFor();
    expect(await cpu.getAttribute("aria-invalid")).toBe("true");
    await page.getByRole("alert").filter({ hasText: "Not saved: fix the fields marked below." }).waitFor();
    await expectAccessible(page, "template editor with errors");
    await screenshot(page, "work-pool-template-error");

    // A placeholder naming no variable passes the page's checks; the server refuses it with a 422
    // whose loc points into job_configuration, and the error lands at that field.
    await cpu.fill("1024");
    const config = page.getByLabel("Job configuration (JSON)");
    const text = await config.inputValue();
    await config.fill(text.replace('"{{ cluster }}"', '"{{ no_such_variable }}"'));
    await page.getByRole("button", { name: "Save template" }).click();
    await page.locator("#job-configuration-error").filter({ hasText: "no_such_variable" }).waitFor();
    expect(await config.getAttribute("aria-invalid")).toBe("true");

    await config.fill(text);
    await page.getByRole("button", { name: "Save template" }).click();
    await page.getByText("Template saved.").waitFor();
    const stored = await server.request("GET", "/work_pools/ui-ecs-pool");
    expect(stored.body.base_job_template.variables.properties.cpu.default).toBe(1024);
  });

  it("adds a queue (errors at the field), pauses and resumes the pool and a queue, and edits both concurrency limits", async () => {
    await page.goto(`${origin}/work-pools/ui-ecs-pool`);
    await page.getByRole("heading", { name: "ui-ecs-pool", level: 1 }).waitFor();
    await page.getByRole("button", { name: "Add queue" }).click();
    const form = page.getByRole("form", { name: "Add queue" });
    await form.getByLabel("Name").fill("default");
    await form.getByLabel("Priority").fill("0");
    await form.getByLabel("Concurrency limit").fill("two");
    await form.getByRole("button", { name: "Add queue" }).click();
    await form.getByText("Priority must be 1 or more").waitFor();
    await form.getByText("Concurrency limit must be a whole number").waitFor();
    expect(await form.getByLabel("Priority").getAttribute("aria-invalid")).toBe("true");
    // Checked here, refused by the server: the pool already has a queue named "default" (409).
    await form.getByLabel("Priority").fill("1");
    await form.getByLabel("Concurrency limit").fill("2");
    await form.getByRole("button", { name: "Add queue" }).click();
    await form.getByText("Name is already used by another queue of this pool").waitFor();
    expect(await form.getByLabel("Name").getAttribute("aria-invalid")).toBe("true");
    await form.getByRole("alert").filter({ hasText: /The queue was not created: A work queue with this name already exists/ }).waitFor();
    await expectAccessible(page, "add queue with errors");
    await screenshot(page, "work-pool-add-queue-error");

    await form.getByLabel("Name").fill("fast");
    await form.getByRole("button", { name: "Add queue" }).click();
    await page.getByText("Queue fast added.").waitFor();
    const queues = page.getByRole("table", { name: "Queues" });
    await queues.getByRole("cell", { name: "fast", exact: true }).waitFor();
    const fast = (await api(server, "GET", "/work_pools/ui-ecs-pool/queues/fast")) as { priority: number; concurrency_limit: number | null; is_paused: boolean };
    expect(fast).toMatchObject({ priority: 1, concurrency_limit: 2, is_paused: false });

    await page.getByRole("button", { name: "Pause queue fast" }).click();
    await page.getByRole("button", { name: "Resume queue fast" }).waitFor();
    expect((await api(server, "GET", "/work_pools/ui-ecs-pool/queues/fast")).is_paused).toBe(true);
    await page.getByRole("button", { name: "Resume queue fast" }).click();
    await page.getByRole("button", { name: "Pause queue fast" }).waitFor();
    expect((await api(server, "GET", "/work_pools/ui-ecs-pool/queues/fast")).is_paused).toBe(false);

    await page.getByRole("button", { name: "Edit concurrency limit of queue fast" }).click();
    const queueLimit = page.getByLabel("concurrency limit of queue fast", { exact: true });
    await queueLimit.fill("-1");
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByText("concurrency limit of queue fast must be 0 or more, or empty for no limit").waitFor();
    expect(await queueLimit.getAttribute("aria-invalid")).toBe("true");
    await queueLimit.fill("");
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByRole("button", { name: "Edit concurrency limit of queue fast" }).waitFor();
    expect((await api(server, "GET", "/work_pools/ui-ecs-pool/queues/fast")).concurrency_limit).toBeNull();

    await page.getByRole("button", { name: "Pause pool ui-ecs-pool" }).click();
    await page.getByText("Paused: workers get no runs from this pool").waitFor();
    expect((await api(server, "GET", "/work_pools/ui-ecs-pool")).is_paused).toBe(true);
    await page.getByRole("button", { name: "Resume pool ui-ecs-pool" }).click();
    await page.getByRole("button", { name: "Pause pool ui-ecs-pool" }).waitFor();
    expect((await api(server, "GET", "/work_pools/ui-ecs-pool")).is_paused).toBe(false);

    await page.getByRole("button", { name: "Edit concurrency limit of the pool" }).click();
    await page.getByLabel("concurrency limit of the pool", { exact: true }).fill("7");
    await page.getByRole("button", { name: "Save" }).click();
    const settings = page.getByRole("region", { name: "Pool settings" });
    await settings.getByText(/^7/).waitFor();
    expect((await api(server, "GET", "/work_pools/ui-ecs-pool")).concurrency_limit).toBe(7);
    await expectAccessible(page, "work pool settings and queues");
    await screenshot(page, "work-pool-queues");
  });

  it("shows an online worker after its heartbeat, live, and the pool in the list", async () => {
    await page.goto(`${origin}/work-pools/ui-ecs-pool`);
    await page.getByText("No workers have polled this pool.").waitFor();
    const beat = await server.request("POST", "/work_pools/ui-ecs-pool/workers/heartbeat", { name: "worker-1", heartbeat_interval_seconds: 30 });
    expect(beat.status).toBeLessThan(300);
    await page.getByRole("cell", { name: "worker-1" }).waitFor();
    await page.getByRole("cell", { name: "Online" }).waitFor();
    await expectAccessible(page, "work pool detail");
    await screenshot(page, "work-pool-detail");

    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Work pools" }).click();
    await page.getByRole("link", { name: "ui-ecs-pool" }).waitFor();
    await page.getByRole("cell", { name: "1 of 1" }).waitFor();
    await expectAccessible(page, "work pools");
    await screenshot(page, "work-pools");
  });
});
