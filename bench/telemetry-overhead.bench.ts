// What metrics and tracing cost set_state (#18: under 5 %). One server process over a SQLite file
// (synchronous=NORMAL, so fsync does not hide the CPU cost) with metrics and tracing set up, each
// switched on or off between rounds (bench/support/telemetry-server-process.ts): every variant is
// measured in the same process, since two processes of the same server differ by more than 5 %
// here (memory layout, JIT decisions), which no number of rounds averages away. Tracing on exports
// every span to an OTLP collector in this process, which decodes them only after the rounds. 32
// clients, each on one keep-alive connection, take runs SCHEDULED → PENDING → RUNNING →
// COMPLETED; a round measures each variant once, in an order that rotates from round to round, so
// drift falls on all alike. A window's figure is the server's CPU time (getrusage, all threads)
// per transition, spans' export included; the overhead is against metrics and tracing both off in
// the same round, its median over rounds. All off is measured twice a round, and the second one's
// "overhead" (zero in truth) shows how much this machine resolves. The spans the collector
// received are counted, so "tracing on" is known to have exported. With two cores the server runs
// on one and the clients and the collector on the other.
import { spawn, spawnSync } from "node:child_process";
import { cpus } from "node:os";
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
import { KeepAliveConnection } from "./support/keep-alive-client.js";
import { loadAverage1m } from "./support/process-cpu.js";

// Enough clients on light keep-alive connections that the server, not the clients' core, is the
// bottleneck (about 90 % busy here): a server waiting on its clients does more wake-ups per
// transition, which moves the figure by more than the 5 % looked for.
const CLIENTS = 32;
// With two or more cores and taskset (util-linux), this process runs on core 0 and each server on core 1.
const PIN = cpus().length >= 2 && spawnSync("taskset", ["-p", "-c", "0", String(process.pid)], { stdio: "ignore" }).status === 0 ? { server: "1" } : undefined;
// Many short windows (a tenth of a second each) rather than few long ones: on these shared VMs the
// same work takes up to 1.8 times the CPU from one second to the next, and windows close together
// in time vary together, so the paired difference of short windows varies less (A/A: middle half
// of rounds ±8 % against ±13 % with windows of a second, where longer windows did not help).
const RUNS_PER_CLIENT = isQuick() ? 3 : 4;
const WARM_UP_RUNS_PER_CLIENT = isQuick() ? 1 : 15;
// A multiple of the variants: each is first, second, … in a round equally often.
const ROUNDS = isQuick() ? 1 : 250;
const TRANSITIONS = ["PENDING", "RUNNING", "COMPLETED"];

interface Variant {
  name: string;
  metrics: boolean;
  tracing: boolean;
}
const BASELINE: Variant = { name: "metrics off, tracing off", metrics: false, tracing: false };
// The baseline again, measured as the others are: its "overhead" is what this bench reads for no
// difference at all, so a figure inside its spread is not resolved on this machine.
const CONTROL: Variant = { name: "metrics off, tracing off (control, again)", metrics: false, tracing: false };
const BOTH_ON: Variant = { name: "metrics on, tracing on", metrics: true, tracing: true };
const VARIANTS: Variant[] = [BASELINE, { name: "metrics on, tracing off", metrics: true, tracing: false }, { name: "metrics off, tracing on", metrics: false, tracing: true }, BOTH_ON, CONTROL];

async function post(apiUrl: string, path: string, body: unknown): Promise<any> {
  const res = await fetch(`${apiUrl}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  const json = await res.json();
  if (res.status >= 300) throw new Error(`${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

async function spawnServer(url: string, otlp: string) {
  const script = fileURLToPath(new URL("./support/telemetry-server-process.ts", import.meta.url));
  const args = ["--conditions=ecsflow-source", "--import", "tsx", script, url, otlp];
  const child = PIN ? spawn("taskset", ["-c", PIN.server, process.execPath, ...args], { stdio: ["pipe", "pipe", "pipe"] }) : spawn(process.execPath, args, { stdio: ["pipe", "pipe", "pipe"] });
  let stderr = "";
  child.stderr!.on("data", (d) => (stderr = (stderr + String(d)).slice(-4000)));
  let stdout = "";
  const waiters: { line: string; resolve: (line: string) => void }[] = [];
  child.stdout!.on("data", (d) => {
    stdout += String(d);
    let nl: number;
    while ((nl = stdout.indexOf("\n")) >= 0) {
      const line = stdout.slice(0, nl);
      stdout = stdout.slice(nl + 1);
      const i = waiters.findIndex((w) => line.startsWith(w.line));
      if (i >= 0) waiters.splice(i, 1)[0].resolve(line);
      const m = /^LISTENING (\S+)/.exec(line);
      if (m) listening(m[1]);
    }
  });
  let listening!: (url: string) => void;
  const apiUrl = await new Promise<string>((resolve, reject) => {
    listening = resolve;
    child.once("exit", (code) => reject(new Error(`server exited with ${code}: ${stderr}`)));
  });
  const command = (text: string, answer: string) =>
    new Promise<string>((resolve) => {
      waiters.push({ line: answer, resolve });
      child.stdin!.write(`${text}\n`);
    });
  const flow = await post(apiUrl, "/flows/", { name: "bench" });
  // The measured set_states go over light keep-alive connections: the server, not the clients' core, is then the bottleneck.
  const connections = await Promise.all(Array.from({ length: CLIENTS }, () => KeepAliveConnection.open(apiUrl)));
  const apiPath = new URL(apiUrl).pathname;
  return {
    apiUrl,
    set: (v: Variant) => command(`set ${v.metrics ? "on" : "off"} ${v.tracing ? "on" : "off"}`, "SET"),
    mark: () => command("mark", "MARKED"),
    /** Exports the spans still buffered; resolves with the server's CPU seconds since mark(). */
    flush: async () => Number((await command("flush", "FLUSHED")).split(" ")[1]) / 1e6,
    async createRuns(perClient: number): Promise<string[][]> {
      const runs: string[][] = [];
      for (let c = 0; c < CLIENTS; c++) runs.push(await Promise.all(Array.from({ length: perClient }, async () => (await post(apiUrl, "/flow_runs/", { flow_id: flow.id, state: { type: "SCHEDULED" } })).id)));
      return runs;
    },
    async drive(runs: string[][]): Promise<number> {
      let n = 0;
      await Promise.all(
        runs.map(async (ids, client) => {
          for (const id of ids) {
            for (const type of TRANSITIONS) {
              const r = await connections[client].post(`${apiPath}/flow_runs/${id}/set_state`, `{"state":{"type":"${type}"}}`);
              const status = r.status === 201 || r.status === 200 ? (JSON.parse(r.body) as { status: string }).status : `HTTP ${r.status}: ${r.body}`;
              if (status !== "ACCEPT") throw new Error(`${type} was ${status}`);
              n++;
            }
          }
        }),
      );
      return n;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        for (const c of connections) c.close();
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

/**
 * The same tracing work set_state does (a span per transition, a root span per run, batched
 * protobuf export) measured alone in this process, to a receiver that discards: a steadier figure
 * than the difference of two noisy server medians on a shared machine. The runs' ids are made
 * before the clock starts, and the same loop with tracing off (OTEL_TRACES_SAMPLER=always_off:
 * only set_state's one check) is subtracted, so the figure is tracing's own.
 */
async function tracingCpuPerTransition(transitions: number, samplerEnv: Record<string, string> = {}): Promise<number> {
  const [on, off] = [await loopCpuPerTransition(transitions, samplerEnv), await loopCpuPerTransition(transitions, { OTEL_TRACES_SAMPLER: "always_off" })];
  return on - off;
}

async function loopCpuPerTransition(transitions: number, samplerEnv: Record<string, string>): Promise<number> {
  const sink = createServer((req, res) => req.resume().on("end", () => res.end()));
  await new Promise<void>((r) => sink.listen(0, "127.0.0.1", r));
  const tracing = await startTracing({ env: { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${(sink.address() as AddressInfo).port}`, ...samplerEnv }, serviceName: "bench", asyncContext: false });
  const steps = [
    ["SCHEDULED", "PENDING"],
    ["PENDING", "RUNNING"],
    ["RUNNING", "COMPLETED"],
  ].map(([from, to]) => ({ from, result: { status: "ACCEPT", state: { type: to } } as never, to }));
  const run = async (n: number) => {
    const ids = Array.from({ length: Math.ceil(n / 3) }, () => newId());
    const cpu = process.cpuUsage();
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      for (const { from, result, to } of steps) {
        // Undefined for a run the sampler drops: set_state then does no span work, as here.
        const t = traceSetState(id);
        t?.decidedOn({ id }, from);
        t?.finish(result, to);
      }
      // Let the batch processor's timer and the exports run, as they do between requests.
      if (i % 50 === 0) await new Promise((r) => setImmediate(r));
    }
    await tracing.forceFlush();
    const used = process.cpuUsage(cpu);
    return (used.user + used.system) / (ids.length * 3);
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

const collector = await OtlpCollector.start({ decodeWhenRead: true });
const dir = mkdtempSync(join(tmpdir(), "ecsflow-bench-telemetry-"));
let server: Awaited<ReturnType<typeof spawnServer>> | undefined;
const loadBefore = loadAverage1m();
try {
  server = await spawnServer(`sqlite://${join(dir, "bench.db")}`, collector.url);
  for (const v of [BOTH_ON, BASELINE]) {
    await server.set(v);
    await server.drive(await server.createRuns(WARM_UP_RUNS_PER_CLIENT));
  }
  const cpuMicros = new Map<string, number[]>(VARIANTS.map((v) => [v.name, []]));
  const rates = new Map<string, number[]>(VARIANTS.map((v) => [v.name, []]));
  const busy = new Map<string, number[]>(VARIANTS.map((v) => [v.name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    // Rotate the order: no variant always runs first (or last) in a round.
    const order = VARIANTS.map((_, i) => VARIANTS[(i + round) % VARIANTS.length]);
    for (const v of order) {
      await server.set(v);
      const runs = await server.createRuns(RUNS_PER_CLIENT);
      await server.mark();
      const started = performance.now();
      const n = await server.drive(runs);
      const used = await server.flush();
      const seconds = (performance.now() - started) / 1000;
      cpuMicros.get(v.name)!.push((used / n) * 1e6);
      busy.get(v.name)!.push((used / seconds) * 100);
      rates.get(v.name)!.push(n / seconds);
    }
  }
  await server.stop();
  const spansBy = (name: string) => collector.spans.filter((sp) => sp.name === name).length;
  const baseline = cpuMicros.get(BASELINE.name)!;
  const base = median(baseline);
  const rows: BenchRow[] = [];
  for (const v of VARIANTS) {
    const cpu = median(cpuMicros.get(v.name)!);
    rows.push({ metric: "server CPU per transition (median of rounds)", variant: v.name, value: cpu, unit: "µs" });
    rows.push({ metric: "state transitions (median of rounds)", variant: v.name, value: median(rates.get(v.name)!), unit: "/s" });
    rows.push({ metric: "server busy (CPU seconds per second, median of rounds)", variant: v.name, value: median(busy.get(v.name)!), unit: "%" });
    if (v !== BASELINE) {
      // Against the same round's all-off figure: the rounds drift (the database grows, the
      // machine's other work comes and goes) by more than the difference looked for.
      const overheads = cpuMicros.get(v.name)!.map((x, i) => ((x - baseline[i]) / baseline[i]) * 100);
      const overhead = median(overheads);
      const sorted = [...overheads].sort((a, b) => a - b);
      rows.push({ metric: "CPU overhead vs all off (same process, median of rounds)", variant: v.name, value: overhead, unit: "%", ...(v === CONTROL ? {} : goal(overhead, "<=", 5)) });
      rows.push({ metric: "CPU overhead, middle half of rounds", variant: v.name, value: sorted[Math.floor(sorted.length / 4)], unit: `% to ${sorted[Math.floor((sorted.length * 3) / 4)].toFixed(1)} %` });
      const mean = overheads.reduce((a, b) => a + b, 0) / overheads.length;
      const standardError = Math.sqrt(overheads.reduce((a, b) => a + (b - mean) ** 2, 0) / (overheads.length - 1) / overheads.length);
      rows.push({ metric: "CPU overhead, mean of rounds", variant: v.name, value: mean, unit: `% ± ${standardError.toFixed(1)} (standard error)` });
    }
  }
  const alone = await tracingCpuPerTransition(isQuick() ? 3_000 : 30_000);
  rows.push({ metric: "tracing CPU per transition, measured alone", variant: "span + root span share + protobuf export, less the loop with tracing off", value: alone, unit: "µs" });
  const aloneShare = (alone / base) * 100;
  rows.push({ metric: "tracing alone as a share of the all-off server's CPU per transition", variant: "every run traced", value: aloneShare, unit: "%" });
  const sampled = await tracingCpuPerTransition(isQuick() ? 3_000 : 30_000, { OTEL_TRACES_SAMPLER: "traceidratio", OTEL_TRACES_SAMPLER_ARG: "0.1" });
  rows.push({ metric: "tracing CPU per transition, measured alone", variant: "OTEL_TRACES_SAMPLER_ARG=0.1 (a tenth of the runs)", value: sampled, unit: "µs" });
  rows.push({ metric: "tracing alone as a share of the all-off server's CPU per transition", variant: "a tenth of the runs traced", value: (sampled / base) * 100, unit: "%" });
  rows.push({ metric: "set_state spans received by the collector", variant: "tracing on (measured rounds and warm-up)", value: spansBy("flow_run.set_state"), unit: "spans" });
  rows.push({ metric: "root spans received by the collector", variant: "tracing on (measured rounds and warm-up)", value: spansBy("flow_run"), unit: "spans" });
  rows.push({ metric: "load average (1 min), start → end", variant: "", value: loadAverage1m(), unit: `(from ${loadBefore})` });
  report("telemetry-overhead", rows, { clients: CLIENTS, runsPerClient: RUNS_PER_CLIENT, rounds: ROUNDS, pinned: Boolean(PIN), perRoundCpuMicros: Object.fromEntries(cpuMicros) });
} finally {
  await server?.stop();
  await collector.close();
  rmSync(dir, { recursive: true, force: true });
}
