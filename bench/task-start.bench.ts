// `npm run bench -- task-start [--quick]`: ecs-local's task start in container mode (Podman's
// Docker-compatible service, or ECSFLOW_TEST_ENGINE_HOST) against host-process mode, with
// provisioning delays off so only the runtime is measured:
// - latency: RunTask → DescribeTasks says RUNNING (the container or process has started), one task at a time;
// - throughput: a batch of short tasks launched together, RunTask → all STOPPED, in tasks per second.
import { DescribeTasksCommand, ECSClient, RegisterTaskDefinitionCommand, RunTaskCommand } from "@aws-sdk/client-ecs";
import { startEcsLocal, type EcsLocalOptions } from "../packages/ecs-local/src/index.js";
import { prepareBaseImage } from "../packages/image/src/index.js";
import { startPodmanService } from "../test/support/podman-service.js";
import { goal, isQuick, percentile, report, type BenchRow } from "./support/report.js";

const quick = isQuick();
const LATENCY_RUNS = quick ? 5 : 20;
const BATCH = quick ? 10 : 40;
const rows: BenchRow[] = [];
const meta: Record<string, unknown> = { quick, latencyRuns: LATENCY_RUNS, batch: BATCH };

async function measure(variant: string, options: EcsLocalOptions, image: string): Promise<void> {
  const handle = await startEcsLocal({ port: 0, provisioningProfile: "instant", limits: false, hostEnv: { PATH: process.env.PATH }, shutdownGraceMs: 2_000, ...options });
  const ecs = new ECSClient({ endpoint: handle.url, region: "us-east-1", credentials: { accessKeyId: "bench", secretAccessKey: "bench" }, maxAttempts: 1 });
  try {
    const td = async (family: string, command: string[]) =>
      ecs.send(new RegisterTaskDefinitionCommand({ family, containerDefinitions: [{ name: "main", image, memory: 128, command }] }));
    await td("bench-hold", ["node", "-e", "setTimeout(() => {}, 2000)"]);
    await td("bench-exit", ["node", "-e", "0"]);
    const status = async (arns: string[]) => (await ecs.send(new DescribeTasksCommand({ tasks: arns }))).tasks!.map((t) => t.lastStatus);

    const latencies: number[] = [];
    for (let i = 0; i < LATENCY_RUNS + 1; i++) {
      const t0 = performance.now();
      const arn = (await ecs.send(new RunTaskCommand({ taskDefinition: "bench-hold" }))).tasks![0].taskArn!;
      for (;;) {
        const [s] = await status([arn]);
        if (s === "RUNNING" || s === "STOPPED") break;
        await new Promise((r) => setTimeout(r, 10));
      }
      // The first start pays for warming the engine's caches; it is not a start users see twice.
      if (i > 0) latencies.push(performance.now() - t0);
    }
    latencies.sort((a, b) => a - b);
    const p50 = percentile(latencies, 50);
    rows.push({ metric: "RunTask → RUNNING p50", variant, value: p50, unit: "ms", ...(variant === "container" ? goal(p50, "<=", 1000) : {}) });
    rows.push({ metric: "RunTask → RUNNING p90", variant, value: percentile(latencies, 90), unit: "ms" });

    const t0 = performance.now();
    const arns: string[] = [];
    await Promise.all(
      Array.from({ length: BATCH }, async () => {
        arns.push((await ecs.send(new RunTaskCommand({ taskDefinition: "bench-exit" }))).tasks![0].taskArn!);
      }),
    );
    for (;;) {
      const statuses: (string | undefined)[] = [];
      for (let i = 0; i < arns.length; i += 100) statuses.push(...(await status(arns.slice(i, i + 100))));
      if (statuses.every((s) => s === "STOPPED")) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    const seconds = (performance.now() - t0) / 1000;
    rows.push({ metric: `${BATCH} tasks RunTask → all STOPPED`, variant, value: BATCH / seconds, unit: "tasks/s" });
  } finally {
    ecs.destroy();
    await handle.close();
  }
}

await measure("process", { runtime: "process" }, "node");

let engineHost = process.env.ECSFLOW_TEST_ENGINE_HOST;
let stopPodman: (() => Promise<void>) | undefined;
if (!engineHost) {
  const podman = await startPodmanService();
  if ("skipReason" in podman) meta.container = `not measured: ${podman.skipReason}`;
  else {
    engineHost = podman.engineHost;
    stopPodman = podman.stop;
  }
}
if (engineHost) {
  try {
    const image = await prepareBaseImage({ engineHost, base: "host" });
    meta.engine = engineHost;
    meta.image = image;
    await measure("container", { runtime: "docker", engineHost }, image);
  } finally {
    await stopPodman?.();
  }
} else {
  console.log(`container mode skipped: ${meta.container}`);
}

report("task-start", rows, meta);
