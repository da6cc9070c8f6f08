import type { Browser, BrowserContext, Page, Request } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../support/test-server.js";
import { chromiumAvailable, expectAccessible, launchBrowser, newContext, originOf, screenshot, SKIP_NOTE } from "./support/browser.js";
import { resultFromStoppedTask } from "../../packages/worker/src/infrastructure/ecs/explain-stopped-task.js";
import { formatInfrastructureId } from "../../packages/worker/src/infrastructure/ecs/infrastructure-id.js";
import { taskRunLabels } from "../../packages/worker/src/infrastructure/ecs/task-run-labels.js";
import { api, seedDeployment, setState } from "./support/seed.js";

describe.skipIf(!chromiumAvailable)(`UI runs in a real browser${SKIP_NOTE}`, () => {
  let browser: Browser;
  let server: TestServer;
  let context: BrowserContext;
  let page: Page;
  let origin: string;
  let deploymentId: string;

  beforeAll(async () => {
    [browser, server] = await Promise.all([launchBrowser(), startTestServer("sqlite")]);
    origin = originOf(server.apiUrl);
    context = await newContext(browser);
    page = await context.newPage();
    page.on("dialog", (d) => void d.accept());
    ({ deploymentId } = await seedDeployment(server, "ui-process-pool"));
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await server?.close();
  });

  it("starts a run from the generated form (checked before submit), then shows it reach COMPLETED live with its logs", async () => {
    await page.goto(`${origin}/deployments/${deploymentId}`);
    await page.getByRole("heading", { name: "hello", level: 1 }).waitFor();
    await expectAccessible(page, "deployment detail");
    await screenshot(page, "deployment-detail");
    await page.getByRole("link", { name: "Run", exact: true }).click();
    await page.getByRole("heading", { name: "Run hello", level: 1 }).waitFor();

    const count = page.getByLabel(/^count/);
    await count.fill("0");
    await page.getByLabel(/^Overrides for this run/).fill('{"not_a_variable": 1}');
    await page.getByRole("button", { name: "Start run" }).click();
    await page.getByText("count must be at least 1").waitFor();
    await page.getByText(/not_a_variable is not a variable of this work pool/).waitFor();
    expect(await count.getAttribute("aria-invalid")).toBe("true");
    await expectAccessible(page, "run form with errors");
    await screenshot(page, "deployment-run-form");

    await count.fill("3");
    await page.getByLabel(/^Overrides for this run/).fill('{"working_dir": "/tmp"}');
    await page.getByRole("button", { name: "Start run" }).click();
    await page.waitForURL(/\/runs\/[0-9a-f-]{36}$/);
    const runId = page.url().split("/").pop()!;
    const run = await api(server, "GET", `/flow_runs/${runId}`);
    expect(run.parameters).toEqual({ name: "world", count: 3, loud: false });
    expect(run.job_variables).toEqual({ working_dir: "/tmp" });
    await page.locator("main .page-subtitle [data-state=SCHEDULED]").waitFor();

    // The worker's part, played through the API: the page follows without a reload.
    await setState(server, runId, "PENDING");
    await setState(server, runId, "RUNNING");
    await page.locator("main .page-subtitle [data-state=RUNNING]").waitFor();
    await api(server, "POST", "/logs/", [
      { name: "prefect.flow_runs", level: 20, message: "Hello, world x3", timestamp: new Date().toISOString(), flow_run_id: runId },
      { name: "prefect.flow_runs", level: 40, message: "a warning turned error", timestamp: new Date().toISOString(), flow_run_id: runId },
    ]);
    await page.getByRole("log", { name: "Run logs" }).getByText("Hello, world x3").waitFor();
    await setState(server, runId, "COMPLETED");
    await page.locator("main .page-subtitle [data-state=COMPLETED]").waitFor();
    await page.getByRole("list", { name: "State history" }).getByText("Completed").waitFor();

    await page.getByLabel("Level").selectOption("40");
    await page.getByRole("log", { name: "Run logs" }).getByText("a warning turned error").waitFor();
    expect(await page.getByRole("log", { name: "Run logs" }).getByText("Hello, world x3").count()).toBe(0);
    await page.getByLabel("Level").selectOption("0");
    await page.getByLabel("Search logs").fill("world");
    await page.getByText("1 of 2 lines match.").waitFor();
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Download" }).click()]);
    expect(download.suggestedFilename()).toMatch(/-logs\.txt$/);
    await expectAccessible(page, "run detail");
    await screenshot(page, "run-detail");
  });

  it("follows a finished run's retry live: a finished run is never polled, so only the run event stream can show it", async () => {
    const run = await api(server, "POST", `/deployments/${deploymentId}/create_flow_run`, {});
    await setState(server, run.id, "PENDING");
    await setState(server, run.id, "RUNNING");
    await setState(server, run.id, "FAILED", "boom");
    await page.goto(`${origin}/runs/${run.id}`);
    await page.locator("main .page-subtitle [data-state=FAILED]").waitFor();
    await api(server, "POST", `/flow_runs/${run.id}/set_state`, { state: { type: "SCHEDULED", name: "AwaitingRetry" }, force: true });
    await page.locator("main .page-subtitle [data-state=SCHEDULED]").waitFor();
    await page.getByRole("list", { name: "State history" }).getByText("AwaitingRetry").waitFor();
  });

  it("explains a crashed ECS task: cluster, task ARN, task definition revision, launch type, console links, stop code, reasons and exit code", async () => {
    const run = await api(server, "POST", `/deployments/${deploymentId}/create_flow_run`, { parameters: { count: 1 } });
    const taskArn = "arn:aws:ecs:eu-west-1:123456789012:task/prod-cluster/0123456789abcdef0123456789abcdef";
    await setState(server, run.id, "PENDING");
    await api(server, "PATCH", `/flow_runs/${run.id}`, { infrastructure_pid: formatInfrastructureId({ cluster: "prod-cluster", taskArn }) });
    // The labels as the ECS worker records them from RunTask's answer (task-run-labels.ts).
    const taskDefinitionArn = "arn:aws:ecs:eu-west-1:123456789012:task-definition/ecsflow-hello:7";
    await api(server, "PATCH", `/flow_runs/${run.id}/labels`, taskRunLabels({ taskDefinitionArn, launchType: "FARGATE", capacityProviderName: "FARGATE_SPOT" }));
    await setState(server, run.id, "RUNNING");
    // The message exactly as the ECS worker writes it (worker.ts: reason — explanation).
    const result = resultFromStoppedTask(
      { taskArn, stopCode: "EssentialContainerExited", stoppedReason: "Essential container in task exited", containers: [{ name: "prefect", exitCode: 137, reason: "OutOfMemoryError: Container killed due to memory usage" }] },
      { containerName: "prefect" },
    );
    await setState(server, run.id, "CRASHED", [result.reason, result.explanation].join(" — "));
    await page.goto(`${origin}/runs/${run.id}`);
    await page.locator("main .page-subtitle [data-state=CRASHED]").waitFor();
    const facts = page.getByRole("region", { name: "Infrastructure" });
    await facts.getByText("prod-cluster", { exact: true }).waitFor();
    await facts.getByText(taskArn, { exact: true }).waitFor();
    expect(await page.getByRole("link", { name: "Open task 01234567 in the ECS console" }).getAttribute("href")).toBe(
      "https://eu-west-1.console.aws.amazon.com/ecs/v2/clusters/prod-cluster/tasks/0123456789abcdef0123456789abcdef/configuration?region=eu-west-1",
    );
    const revision = facts.getByRole("definition").filter({ hasText: "ecsflow-hello:7" });
    await revision.getByText(/the blueprint ECS started the task from/).waitFor();
    await revision.getByText(taskDefinitionArn, { exact: true }).waitFor();
    expect(await page.getByRole("link", { name: "Open task definition ecsflow-hello:7 in the ECS console" }).getAttribute("href")).toBe(
      "https://eu-west-1.console.aws.amazon.com/ecs/v2/task-definitions/ecsflow-hello/7/containers?region=eu-west-1",
    );
    const launch = facts.getByRole("definition").filter({ hasText: "FARGATE_SPOT" });
    await launch.getByText(/Serverless: AWS runs the container/).waitFor();
    await launch.getByText(/Spare Fargate capacity at a discount/).waitFor();
    expect(await page.getByRole("link", { name: "Open cluster prod-cluster's capacity in the ECS console" }).getAttribute("href")).toBe(
      "https://eu-west-1.console.aws.amazon.com/ecs/v2/clusters/prod-cluster/infrastructure?region=eu-west-1",
    );
    await page.getByRole("heading", { name: /Why it stopped/ }).waitFor();
    const details = page.getByRole("region", { name: /Why it stopped/ });
    await details.getByRole("definition").filter({ hasText: "EssentialContainerExited" }).getByText(/The main container exited/).waitFor();
    await details.getByText("Essential container in task exited", { exact: true }).waitFor();
    await details.getByText("OutOfMemoryError: Container killed due to memory usage", { exact: true }).waitFor();
    expect(await details.getByRole("definition").filter({ hasText: /^137$/ }).count()).toBe(1);
    await details.getByText(/^The container exceeded its memory limit .*Exit code 137 \(SIGKILL\)/).waitFor();
    await expectAccessible(page, "run detail (crashed ECS task)");
    await screenshot(page, "run-detail-ecs-crashed");
  });

  it("cancels a long run: CANCELLING is requested and shown, and the run list filters by state in the URL", async () => {
    const run = await api(server, "POST", `/deployments/${deploymentId}/create_flow_run`, { parameters: { count: 1 } });
    await setState(server, run.id, "PENDING");
    await setState(server, run.id, "RUNNING");
    await page.goto(`${origin}/runs/${run.id}`);
    await page.locator("main .page-subtitle [data-state=RUNNING]").waitFor();
    await page.getByRole("button", { name: "Cancel run" }).click();
    await page.locator("main .page-subtitle [data-state=CANCELLING]").waitFor();
    expect((await api(server, "GET", `/flow_runs/${run.id}`)).state_type).toBe("CANCELLING");

    await page.goto(`${origin}/runs?state=CANCELLING`);
    await page.getByRole("link", { name: run.name }).waitFor();
    expect(await page.getByRole("table", { name: "Flow runs" }).locator("tbody tr").count()).toBe(1);
    await page.getByText("States (1)").waitFor();
    await expectAccessible(page, "runs (filtered)");
    await screenshot(page, "runs-filtered");
  });

  it("bulk-cancels selected runs from the list and pages through many runs", async () => {
    const created = [];
    for (let i = 0; i < 3; i++) created.push(await api(server, "POST", `/deployments/${deploymentId}/create_flow_run`, { parameters: { count: 1 }, tags: ["bulk"] }));
    await page.goto(`${origin}/runs?tag=bulk`);
    await page.getByRole("table", { name: "Flow runs" }).waitFor();
    await page.getByLabel("Select all cancellable runs on this page").check();
    await page.getByRole("button", { name: "Cancel selected (3)" }).click();
    await page.getByText("Asked to cancel 3 of 3 runs.").waitFor();
    for (const r of created) expect((await api(server, "GET", `/flow_runs/${r.id}`)).state_type).toBe("CANCELLED");

    for (let i = 0; i < 55; i++) await api(server, "POST", `/deployments/${deploymentId}/create_flow_run`, { parameters: { count: 1 }, tags: ["many"] });
    await page.goto(`${origin}/runs?tag=many`);
    await page.getByText("1–50 of 55").waitFor();
    await page.getByRole("button", { name: "Next" }).click();
    await page.getByText("51–55 of 55").waitFor();
    expect(page.url()).toContain("offset=50");
    await page.goBack();
    await page.getByText("1–50 of 55").waitFor();
    await screenshot(page, "runs");
  });

  it("shows the dashboard, flows and deployments pages with the seeded data, accessibly", async () => {
    const posted: { path: string; body: string }[] = [];
    const record = (r: Request) => {
      if (r.method() === "POST") posted.push({ path: new URL(r.url()).pathname, body: r.postData() ?? "" });
    };
    page.on("request", record);
    const now = Date.now();
    await page.goto(`${origin}/`);
    await page.getByRole("img", { name: /Flow runs by state over time/ }).waitFor();
    // The chart's numbers are the server's aggregate over every run of the day, not a client-side sample.
    const cells = await page.getByRole("table", { name: "Flow runs by state per interval" }).locator("tbody td").allTextContents();
    const inDay = await api<number>(server, "POST", "/flow_runs/count", { flow_runs: { expected_start_time: { after_: new Date(now - 86_400_000).toISOString() } } });
    expect(cells.reduce((sum, c) => sum + Number(c), 0)).toBe(inDay);
    page.off("request", record);
    expect(posted.filter((p) => p.path === "/api/flow_runs/history").length).toBeGreaterThan(0);
    expect(posted.filter((p) => p.path === "/api/flow_runs/filter" && p.body.includes('"limit":200'))).toEqual([]);
    await page.getByRole("link", { name: "ui-process-pool" }).first().waitFor();
    await expectAccessible(page, "dashboard");
    await screenshot(page, "dashboard");

    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Flows" }).click();
    await page.getByRole("cell", { name: "hello-flow" }).waitFor();
    await expectAccessible(page, "flows");
    await screenshot(page, "flows");

    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Deployments" }).click();
    await page.getByRole("link", { name: "Run hello" }).waitFor();
    await expectAccessible(page, "deployments");
    await screenshot(page, "deployments");
  });
  it("adds, pauses, activates and deletes deployment schedules (cron in a time zone, interval), with the server's 422 at the field", async () => {
    const { deploymentId: nightly } = await seedDeployment(server, "ui-process-pool", "sched-flow", "nightly");
    await page.goto(`${origin}/deployments/${nightly}`);
    await page.getByRole("heading", { name: "nightly", level: 1 }).waitFor();
    await page.getByText(/No schedules: runs start only when asked/).waitFor();
    await page.getByRole("button", { name: "Add schedule" }).click();
    const form = page.getByRole("form", { name: "Add schedule" });
    const cron = form.getByLabel("Cron expression");
    const zone = form.getByLabel("Time zone");

    // Not checked here beyond presence: the server judges cron syntax and zones, and says which field.
    await cron.fill("not a cron");
    await form.getByRole("button", { name: "Add schedule" }).click();
    await form.locator(".field-error").filter({ hasText: 'Invalid cron string: "not a cron"' }).waitFor();
    expect(await cron.getAttribute("aria-invalid")).toBe("true");
    await cron.fill("30 6 * * 1-5");
    await zone.fill("Mars/Olympus_Mons");
    await form.getByRole("button", { name: "Add schedule" }).click();
    await form.locator(".field-error").filter({ hasText: "Invalid timezone" }).waitFor();
    expect(await zone.getAttribute("aria-invalid")).toBe("true");
    expect(await cron.getAttribute("aria-invalid")).toBeNull();
    await expectAccessible(page, "schedule form with errors");
    await screenshot(page, "deployment-schedule-error");
    await zone.fill("Europe/Paris");
    await form.getByRole("button", { name: "Add schedule" }).click();
    const list = page.getByRole("list", { name: "Schedules" });
    await list.getByText("cron 30 6 * * 1-5 (Europe/Paris)").waitFor();

    await page.getByRole("button", { name: "Add schedule" }).click();
    await form.getByLabel("Interval").check();
    await form.getByLabel("Every").fill("0");
    await form.getByRole("button", { name: "Add schedule" }).click();
    await form.getByText("Interval must be a positive number").waitFor();
    await form.getByLabel("Every").fill("90");
    await form.getByLabel("Unit").selectOption({ label: "minutes" });
    await form.getByRole("button", { name: "Add schedule" }).click();
    await list.getByText("every 1h 30m").waitFor();
    let stored = await api<{ id: string; active: boolean; schedule: Record<string, unknown> }[]>(server, "GET", `/deployments/${nightly}/schedules`);
    expect(stored.map((s) => s.schedule).sort((a, b) => String(a.cron ?? "").localeCompare(String(b.cron ?? "")))).toMatchObject([{ interval: 5400 }, { cron: "30 6 * * 1-5", timezone: "Europe/Paris" }]);

    await page.getByRole("button", { name: "Pause schedule cron 30 6 * * 1-5 (Europe/Paris)" }).click();
    await page.getByRole("button", { name: "Activate schedule cron 30 6 * * 1-5 (Europe/Paris)" }).waitFor();
    stored = await api(server, "GET", `/deployments/${nightly}/schedules`);
    expect(stored.find((s) => s.schedule.cron)?.active).toBe(false);
    await page.getByRole("button", { name: "Activate schedule cron 30 6 * * 1-5 (Europe/Paris)" }).click();
    await page.getByRole("button", { name: "Pause schedule cron 30 6 * * 1-5 (Europe/Paris)" }).waitFor();
    stored = await api(server, "GET", `/deployments/${nightly}/schedules`);
    expect(stored.find((s) => s.schedule.cron)?.active).toBe(true);

    await page.getByRole("button", { name: "Delete schedule every 1h 30m" }).click();
    await list.getByText("every 1h 30m").waitFor({ state: "detached" });
    stored = await api(server, "GET", `/deployments/${nightly}/schedules`);
    expect(stored).toHaveLength(1);
    await expectAccessible(page, "deployment schedules");
    await screenshot(page, "deployment-schedules");
  });
});
