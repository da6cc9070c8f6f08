// `npm run bench -- ecs-local [--quick]`: RunTask throughput with limits off, and how closely the
// token buckets hold AWS's sustained rates with limits on (achieved rate / configured rate).
import { DescribeTasksCommand, ECSClient, RegisterTaskDefinitionCommand, RunTaskCommand } from "@aws-sdk/client-ecs";
import { startEcsLocal, type EcsLocalHandle, type EcsLocalOptions } from "../packages/ecs-local/src/index.js";
import { isQuick, percentile, report, type BenchRow } from "./support/report.js";

const quick = isQuick();
const rows: BenchRow[] = [];

function client(url: string): ECSClient {
  return new ECSClient({ endpoint: url, region: "us-east-1", credentials: { accessKeyId: "bench", secretAccessKey: "bench" }, maxAttempts: 1 });
}

async function withServer<T>(options: EcsLocalOptions, fn: (handle: EcsLocalHandle) => Promise<T>): Promise<T> {
  // The fargate profile keeps tasks in PROVISIONING for 30–60 s, so no process starts while we measure
  // the API; close() then stops them before any does.
  const handle = await startEcsLocal({ port: 0, provisioningProfile: "fargate", ...options });
  try {
    return await fn(handle);
  } finally {
    await handle.close();
  }
}

/** Runs `call` from `concurrency` loops for `seconds`; returns per-call outcomes and latencies. */
async function hammer(
  seconds: number,
  concurrency: number,
  call: () => Promise<unknown>,
): Promise<{ ok: number; throttled: number; other: number; elapsedS: number; lastOkS: number; latenciesMs: number[] }> {
  const latenciesMs: number[] = [];
  let ok = 0;
  let lastOk = 0;
  let throttled = 0;
  let other = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        const t0 = performance.now();
        try {
          await call();
          ok++;
          lastOk = performance.now();
        } catch (err) {
          if ((err as Error).name === "ThrottlingException") throttled++;
          else other++;
        }
        latenciesMs.push(performance.now() - t0);
      }
    }),
  );
  return { ok, throttled, other, elapsedS: (performance.now() - start) / 1000, lastOkS: (lastOk - start) / 1000, latenciesMs: latenciesMs.sort((a, b) => a - b) };
}

async function register(ecs: ECSClient, fargate: boolean): Promise<string> {
  const out = await ecs.send(
    new RegisterTaskDefinitionCommand({
      family: fargate ? "bench-fargate" : "bench",
      ...(fargate ? { requiresCompatibilities: ["FARGATE"], networkMode: "awsvpc", cpu: "256", memory: "512" } : {}),
      containerDefinitions: [{ name: "main", image: "busybox", command: ["sleep", "60"], memory: 64 }],
    }),
  );
  return out.taskDefinition!.taskDefinitionArn!;
}

const network = { awsvpcConfiguration: { subnets: ["subnet-0e5c10ca1de5a000a"] } };

// 1. RunTask throughput, limits off. The goal is well above AWS's own 40/s, so that ecs-local is never
// what slows a worker down; client and server share this process, so this is a floor.
for (const count of [1, 10]) {
  await withServer({ limits: false }, async (handle) => {
    const ecs = client(handle.url);
    const td = await register(ecs, false);
    const r = await hammer(quick ? 1 : 8, 16, () => ecs.send(new RunTaskCommand({ taskDefinition: td, count })));
    if (r.other > 0 || r.throttled > 0) throw new Error(`RunTask failed ${r.other + r.throttled} times with limits off`);
    rows.push({ metric: "RunTask calls/s (limits off, 16 callers)", variant: `count=${count}`, value: r.ok / r.elapsedS, unit: "calls/s", goal: ">= 100", met: r.ok / r.elapsedS >= 100 });
    rows.push({ metric: "tasks created/s (limits off)", variant: `count=${count}`, value: (r.ok * count) / r.elapsedS, unit: "tasks/s" });
    rows.push({ metric: "RunTask latency p50", variant: `count=${count}`, value: percentile(r.latenciesMs, 50), unit: "ms" });
    rows.push({ metric: "RunTask latency p99", variant: `count=${count}`, value: percentile(r.latenciesMs, 99), unit: "ms" });
    ecs.destroy();
  });
}

// 2. Token bucket accuracy, limits on with AWS's rates: sustained rate = (successes − burst) / time.
interface BucketCase {
  name: string;
  burst: number;
  rate: number;
  seconds: number;
  make: (ecs: ECSClient, handle: EcsLocalHandle) => Promise<() => Promise<unknown>>;
}
const cases: BucketCase[] = [
  {
    name: "RunTask+StopTask (100 burst, 40/s)",
    burst: 100,
    rate: 40,
    seconds: quick ? 2.5 : 15,
    make: async (ecs) => {
      const td = await register(ecs, false);
      return () => ecs.send(new RunTaskCommand({ taskDefinition: td }));
    },
  },
  {
    name: "Fargate launches (100 burst, 20/s)",
    burst: 100,
    rate: 20,
    seconds: quick ? 2.5 : 15,
    make: async (ecs) => {
      const td = await register(ecs, true);
      return () => ecs.send(new RunTaskCommand({ taskDefinition: td, launchType: "FARGATE", networkConfiguration: network }));
    },
  },
  {
    name: "DescribeTasks (100 burst, 20/s)",
    burst: 100,
    rate: 20,
    seconds: quick ? 2.5 : 15,
    make: async (ecs, handle) => {
      const td = await register(ecs, false);
      handle.admin.setLimits({ enabled: false });
      const arn = (await ecs.send(new RunTaskCommand({ taskDefinition: td }))).tasks![0].taskArn!;
      handle.admin.setLimits({ enabled: true });
      return () => ecs.send(new DescribeTasksCommand({ tasks: [arn] }));
    },
  },
  {
    name: "RegisterTaskDefinition (20 burst, 1/s)",
    burst: 20,
    rate: 1,
    seconds: quick ? 3 : 30,
    make: async (ecs) => () => register(ecs, false),
  },
];
for (const c of cases) {
  await withServer({ limits: { enabled: true } }, async (handle) => {
    const ecs = client(handle.url);
    const call = await c.make(ecs, handle);
    const r = await hammer(c.seconds, 8, call);
    // The bucket starts full; everything granted beyond the burst was refilled between the start and
    // the last grant (measuring to the end of the run would count a token that was about to come).
    const refilled = Math.max(0, r.ok - c.burst);
    const achieved = refilled / r.lastOkS;
    const accuracy = achieved / c.rate;
    // Tokens come whole, so a short run of a slow bucket can be off by one token: that is allowed too.
    const withinOneToken = Math.abs(refilled - c.rate * r.lastOkS) <= 1;
    rows.push({ metric: "token bucket: achieved sustained rate", variant: c.name, value: achieved, unit: "calls/s" });
    rows.push({ metric: "token bucket: accuracy (achieved / configured)", variant: c.name, value: accuracy, unit: "ratio", goal: "0.9–1.1 or ±1 token", met: (accuracy >= 0.9 && accuracy <= 1.1) || withinOneToken });
    rows.push({ metric: "token bucket: throttled answers", variant: c.name, value: r.throttled, unit: "calls" });
    if (r.other > 0) throw new Error(`${c.name}: ${r.other} calls failed with something other than throttling`);
    ecs.destroy();
  });
}

report("ecs-local", rows, { quick, node: process.version });
