// What metrics and tracing cost set_state (#18: under 5 %). Four servers, each in its own process
// over its own SQLite file (synchronous=NORMAL, so fsync does not hide the CPU cost): metrics
// off/on × tracing off/on, tracing on exporting every span to an OTLP collector in this process.
// 8 clients take runs SCHEDULED → PENDING → RUNNING → COMPLETED. The servers are driven one at a
// time, in rounds with the order rotated, so load drift on a shared machine falls on all of them
// alike; the figure is the median over rounds of the server's CPU time per transition, and the
// overhead is against the all-off server. The spans the collector received are counted, so
// "tracing on" is known to have exported.
import { spawn } from "node:child_process";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { traceSetState } from "../packages/server/src/tracing/flow-run-spans.js";
import { newId } from "../packages/server/src/ids.js";
import { startTracing } from "../packages/telemetry/src/index.js";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { OtlpCollector } from "../test/support/otlp-collector.js";
import { goal, isQuick, report, type BenchRow } from "./support/report.js";
import { loadAverage1m, processCpuSeconds } from "./support/process-cpu.js";

const CLIENTS = 8;
const RUNS_PER_CLIENT = isQuick() ? 10 : 120;
const WARM_UP_RUNS_PER_CLIENT = isQuick() ? 3 : 60;
const ROUNDS = isQuick() ? 1 : 7;
const TRANSITIONS = ["PENDING", "RUNNING", "COMPLETED"];

interface Variant {
  name: string;
  metrics: boolean;
  tracing: boolean;
}
const VARIANTS: Variant[] = [
  { name: "metrics off, tracing off", metrics: false, tracing: false },
  { name: "metrics on, tracing off", metrics: true, tracing: false },
  { name: "metrics off, tracing on", metrics: false, tracing: true },
  { name: "metrics on, tracing on", metrics: true, tracing: true },
];

async function post(apiUrl: string, path: string, body: unknown): Promise<any> {
  const res = await fetch(`${apiUrl}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  const json = await res.json();
  if (res.status >= 300) throw new Error(`${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

async function spawnServer(url: string, variant: Variant, otlp: string) {
  const script = fileURLToPath(new URL("./support/telemetry-server-process.ts", import.meta.url));
  const child = spawn(process.execPath, ["--conditions=ecsflow-source", "--import", "tsx", script, url, variant.metrics ? "on" : "off", variant.tracing ? otlp : "-"], { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += String(d)));
  const [apiUrl, mode] = await new Promise<string[]>((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (d) => {
      out += String(d);
      const m = /LISTENING (\S+) (\S+)/.exec(out);
      if (m) resolve([m[1], m[2]]);
    });
    child.once("exit", (code) => reject(new Error(`server exited with ${code}: ${stderr}`)));
  });
  if ((mode === "tracing") !== variant.tracing) throw new Error(`${variant.name}: the server reports ${mode}`);
  const flow = await post(apiUrl, "/flows/", { name: "bench" });
  return {
    variant,
    apiUrl,
    pid: child.pid as number,
    async createRuns(perClient: number): Promise<string[][]> {
      const runs: string[][] = [];
      for (let c = 0; c < CLIENTS; c++) runs.push(await Promise.all(Array.from({ length: perClient }, async () => (await post(apiUrl, "/flow_runs/", { flow_id: flow.id, state: { type: "SCHEDULED" } })).id)));
      return runs;
    },
    async drive(runs: string[][]): Promise<number> {
      let n = 0;
      await Promise.all(
        runs.map(async (ids) => {
          for (const id of ids) {
            for (const type of TRANSITIONS) {
              const r = await post(apiUrl, `/flow_runs/${id}/set_state`, { state: { type } });
              if (r.status !== "ACCEPT") throw new Error(`${type} was ${r.status}`);
              n++;
            }
          }
        }),
      );
      return n;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

/**
 * The same tracing work set_state does (a span per transition, a root span per run, batched
 * protobuf export) measured alone in this process, to a receiver that discards: a steadier figure
 * than the difference of two noisy server medians on a shared machine.
 */
async function tracingCpuPerTransition(transitions: number, samplerEnv: Record<string, string> = {}): Promise<number> {
  const sink = createServer((req, res) => req.resume().on("end", () => res.end()));
  await new Promise<void>((r) => sink.listen(0, "127.0.0.1", r));
  const tracing = await startTracing({ env: { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${(sink.address() as AddressInfo).port}`, ...samplerEnv }, serviceName: "bench", asyncContext: false });
  const run = async (n: number) => {
    const cpu = process.cpuUsage();
    for (let i = 0; i < n / 3; i++) {
      const id = newId();
      for (const [from, to] of [["SCHEDULED", "PENDING"], ["PENDING", "RUNNING"], ["RUNNING", "COMPLETED"]]) {
        // Undefined for a run the sampler drops: set_state then does no span work, as here.
        const t = traceSetState(id);
        t?.decidedOn({ id }, from);
        t?.finish({ status: "ACCEPT", state: { type: to } } as never, to);
      }
      // Let the batch processor's timer and the exports run, as they do between requests.
      if (i % 50 === 0) await new Promise((r) => setImmediate(r));
    }
    await tracing.forceFlush();
    const used = process.cpuUsage(cpu);
    return (used.user + used.system) / n;
  };
  try {
    await run(transitions); // warm-up
    return median([await run(transitions), await run(transitions), await run(transitions)]);
  } finally {
    await tracing.shutdown();
    sink.close();
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];

const collector = await OtlpCollector.start();
const dir = mkdtempSync(join(tmpdir(), "ecsflow-bench-telemetry-"));
const servers: Awaited<ReturnType<typeof spawnServer>>[] = [];
const loadBefore = loadAverage1m();
try {
  for (const [i, v] of VARIANTS.entries()) servers.push(await spawnServer(`sqlite://${join(dir, `bench-${i}.db`)}`, v, collector.url));
  for (const s of servers) await s.drive(await s.createRuns(WARM_UP_RUNS_PER_CLIENT));
  const cpuMicros = new Map<string, number[]>(VARIANTS.map((v) => [v.name, []]));
  const rates = new Map<string, number[]>(VARIANTS.map((v) => [v.name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    // Rotate the order: no variant always runs first (or last) in a round.
    const order = servers.map((_, i) => servers[(i + round) % servers.length]);
    for (const s of order) {
      const runs = await s.createRuns(RUNS_PER_CLIENT);
      const cpu = processCpuSeconds(s.pid);
      const started = performance.now();
      const n = await s.drive(runs);
      const seconds = (performance.now() - started) / 1000;
      cpuMicros.get(s.variant.name)!.push(((processCpuSeconds(s.pid) - cpu) / n) * 1e6);
      rates.get(s.variant.name)!.push(n / seconds);
    }
  }
  for (const s of servers) await s.stop();
  const spansBy = (name: string) => collector.spans.filter((sp) => sp.name === name).length;
  const base = median(cpuMicros.get(VARIANTS[0].name)!);
  const rows: BenchRow[] = [];
  for (const v of VARIANTS) {
    const cpu = median(cpuMicros.get(v.name)!);
    rows.push({ metric: "server CPU per transition (median of rounds)", variant: v.name, value: cpu, unit: "µs" });
    rows.push({ metric: "state transitions (median of rounds)", variant: v.name, value: median(rates.get(v.name)!), unit: "/s" });
    if (v !== VARIANTS[0]) {
      const overhead = ((cpu - base) / base) * 100;
      rows.push({ metric: "CPU overhead vs all off", variant: v.name, value: overhead, unit: "%", ...goal(overhead, "<=", 5) });
    }
  }
  const alone = await tracingCpuPerTransition(isQuick() ? 3_000 : 30_000);
  rows.push({ metric: "tracing CPU per transition, measured alone", variant: "span + root span share + protobuf export", value: alone, unit: "µs" });
  const aloneShare = (alone / base) * 100;
  rows.push({ metric: "tracing alone as a share of the all-off server's CPU per transition", variant: "every run traced", value: aloneShare, unit: "%", ...goal(aloneShare, "<=", 5) });
  const sampled = await tracingCpuPerTransition(isQuick() ? 3_000 : 30_000, { OTEL_TRACES_SAMPLER: "traceidratio", OTEL_TRACES_SAMPLER_ARG: "0.1" });
  rows.push({ metric: "tracing CPU per transition, measured alone", variant: "OTEL_TRACES_SAMPLER_ARG=0.1 (a tenth of the runs)", value: sampled, unit: "µs" });
  rows.push({ metric: "tracing alone as a share of the all-off server's CPU per transition", variant: "a tenth of the runs traced", value: (sampled / base) * 100, unit: "%", ...goal((sampled / base) * 100, "<=", 5) });
  rows.push({ metric: "set_state spans received by the collector", variant: "tracing on (2 servers)", value: spansBy("flow_run.set_state"), unit: "spans" });
  rows.push({ metric: "root spans received by the collector", variant: "tracing on (2 servers)", value: spansBy("flow_run"), unit: "spans" });
  rows.push({ metric: "load average (1 min), start → end", variant: "", value: loadAverage1m(), unit: `(from ${loadBefore})` });
  report("telemetry-overhead", rows, { clients: CLIENTS, runsPerClient: RUNS_PER_CLIENT, rounds: ROUNDS, perRoundCpuMicros: Object.fromEntries(cpuMicros) });
} finally {
  for (const s of servers) await s.stop();
  await collector.close();
  rmSync(dir, { recursive: true, force: true });
}
