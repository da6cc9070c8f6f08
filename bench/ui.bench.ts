// bench `ui`: the web UI through Debian's Chromium against `ecsflow server start` on SQLite with
// 10,000 flow runs stored: the runs page's first render (navigation start → first rows in the
// page), the run detail's (→ its state history in the page), each cold (new browser context) and
// warm, and the dashboard's (→ its chart); for the cold ones also when that frame was painted (the next animation frame after it, so
// layout and paint are counted too); and the bundle's size. `--quick` stores 200 runs and takes 2 samples.
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import type { Page } from "playwright-core";
import { chromiumAvailable, launchBrowser, newContext } from "../test/ui/support/browser.js";
import { uiBundle, UI_DIST } from "../test/ui/support/ui-bundle.js";
import { goal, isQuick, percentile, report, type BenchRow } from "./support/report.js";
import { api, pool, scratchDatabase, spawnServer } from "./support/spawn-server.js";

const RUNS = isQuick() ? 200 : 10_000;
const SAMPLES = isQuick() ? 2 : 7;

/**
 * Milliseconds from navigation start until `selector` first matches, and until that frame was
 * painted, taken inside the page by a MutationObserver and reported on the console. Nothing of
 * Playwright's runs in the page meanwhile: its waits would poll, and its first wait or evaluate
 * injects its own script, which costs this machine 50–100 ms of the page's main thread.
 */
async function renderMs(page: Page, url: string): Promise<{ rendered: number; painted: number }> {
  const reported = page.waitForEvent("console", { predicate: (m) => m.text().startsWith(REPORT), timeout: 30_000 });
  await page.goto(url, { waitUntil: "commit" });
  return JSON.parse((await reported).text().slice(REPORT.length)) as { rendered: number; painted: number };
}

const REPORT = "ecsflow-bench ";

function watchFor(selector: string): string {
  return `(() => {
    let rendered;
    const check = () => {
      if (rendered !== undefined || !document.querySelector(${JSON.stringify(selector)})) return;
      rendered = performance.now();
      // The frame holding the change is painted before the next animation frame's callbacks run.
      requestAnimationFrame(() => requestAnimationFrame(() => console.log(${JSON.stringify(REPORT)} + JSON.stringify({ rendered, painted: performance.now() }))));
    };
    new MutationObserver(check).observe(document, { subtree: true, childList: true });
  })();`;
}

function bundleRows(): BenchRow[] {
  const { files } = uiBundle();
  const all = [`${UI_DIST}/index.html`, ...files];
  const raw = all.reduce((s, f) => s + readFileSync(f).length, 0);
  const gz = all.reduce((s, f) => s + gzipSync(readFileSync(f), { level: 9 }).length, 0);
  return [
    { metric: "UI bundle size (raw)", value: raw / 1024, unit: "KiB" },
    { metric: "UI bundle size (gzip)", value: gz / 1024, unit: "KiB", ...goal(gz / 1024, "<=", 200) },
  ];
}

async function main() {
  const rows = bundleRows();
  if (!chromiumAvailable) {
    console.error("Chromium is missing (apt-get install -y chromium): only the bundle size is reported.");
    report("ui", rows, { runs: 0 });
    return;
  }
  const database = await scratchDatabase("sqlite");
  const server = await spawnServer(database.url);
  const browser = await launchBrowser();
  try {
    // The browser's very first navigation starts its network service (about a second here); a
    // throwaway page takes that, so the samples measure the UI.
    const warmup = await browser.newPage();
    await warmup.goto(`${server.apiUrl}/health`);
    await warmup.close();
    const { apiUrl } = server;
    const origin = apiUrl.replace(/\/api$/, "");
    await api(apiUrl, "POST", "/work_pools/", { name: "bench-ui", type: "process" });
    const flow = await api(apiUrl, "POST", "/flows/", { name: "bench-ui-flow" });
    const deployment = await api(apiUrl, "POST", "/deployments/", { name: "bench-ui", flow_id: flow.id, work_pool_name: "bench-ui" });
    const ids: string[] = new Array(RUNS);
    await pool(RUNS, 16, async (i) => {
      ids[i] = (await api(apiUrl, "POST", `/deployments/${deployment.id}/create_flow_run`, { parameters: { i }, tags: i % 2 ? ["odd"] : ["even"] })).id;
    });
    // One run with a history and logs for the detail page.
    const detailId = ids[RUNS - 1];
    for (const type of ["PENDING", "RUNNING", "COMPLETED"]) await api(apiUrl, "POST", `/flow_runs/${detailId}/set_state`, { state: { type }, force: true });
    const now = Date.now();
    await api(
      apiUrl,
      "POST",
      "/logs/",
      Array.from({ length: 200 }, (_, i) => ({ name: "bench", level: 20, message: `line ${i}`, timestamp: new Date(now + i).toISOString(), flow_run_id: detailId })),
    );

    const measure = async (label: string, url: string, selector: string, target: number) => {
      const cold: number[] = [];
      const coldPainted: number[] = [];
      const warm: number[] = [];
      for (let i = 0; i < SAMPLES; i++) {
        const context = await newContext(browser);
        const page = await context.newPage();
        await page.addInitScript({ content: watchFor(selector) });
        const first = await renderMs(page, url);
        cold.push(first.rendered);
        coldPainted.push(first.painted);
        warm.push((await renderMs(page, url)).rendered);
        await context.close();
      }
      for (const list of [cold, coldPainted, warm]) list.sort((a, b) => a - b);
      const p50 = percentile(cold, 50);
      rows.push({ metric: `${label} first render, cold p50`, variant: `${RUNS} runs`, value: p50, unit: "ms", ...goal(p50, "<=", target) });
      rows.push({ metric: `${label} first render, cold max`, variant: `${RUNS} runs`, value: cold.at(-1)!, unit: "ms" });
      rows.push({ metric: `${label} first render painted, cold p50`, variant: `${RUNS} runs`, value: percentile(coldPainted, 50), unit: "ms" });
      rows.push({ metric: `${label} render, warm p50`, variant: `${RUNS} runs`, value: percentile(warm, 50), unit: "ms" });
    };
    await measure("runs page", `${origin}/runs`, "table tbody tr", 1000);
    await measure("run detail", `${origin}/runs/${detailId}`, '[aria-label="State history"] li', 500);
    // Not a goal of the issue's, but the page users land on: "well under a second" holds it too.
    await measure("dashboard", `${origin}/`, "svg.chart", 1000);
    report("ui", rows, { runs: RUNS, samples: SAMPLES, engine: "sqlite" });
  } finally {
    await browser.close();
    await server.stop();
    await database.drop();
  }
}

await main();
