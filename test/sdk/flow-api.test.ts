import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { flow, flowDefinitionOf, getRunContext, getRunLogger, ParameterValidationError, RunCancelledError, task } from "../../packages/sdk/src/index.js";
import { startTestServer, type TestServer } from "../support/test-server.js";

// Flows called in-process against a real server: the SDK speaks HTTP only, so SQLite is enough
// here (the server's storage suites cover both engines).

describe("flows and tasks through the API", () => {
  let server: TestServer;
  const saved = { url: process.env.ECSFLOW_API_URL, home: process.env.ECSFLOW_HOME };

  beforeAll(async () => {
    server = await startTestServer("sqlite");
    process.env.ECSFLOW_HOME = mkdtempSync(join(tmpdir(), "ecsflow-sdk-"));
    process.env.ECSFLOW_API_URL = server.apiUrl;
  });
  afterAll(async () => {
    if (saved.url === undefined) delete process.env.ECSFLOW_API_URL;
    else process.env.ECSFLOW_API_URL = saved.url;
    if (saved.home === undefined) delete process.env.ECSFLOW_HOME;
    else process.env.ECSFLOW_HOME = saved.home;
    await server?.close();
  });

  const flowRunsOf = async (name: string) => {
    const flows = (await server.request("POST", "/flows/filter", { flows: { name: { any_: [name] } } })).body;
    expect(flows).toHaveLength(1);
    return (await server.request("POST", "/flow_runs/filter", { flows: { id: { any_: [flows[0].id] } } })).body as any[];
  };
  const taskRunsOf = async (flowRunId: string) =>
    (await server.request("POST", "/task_runs/filter", { task_runs: { flow_run_id: { any_: [flowRunId] } }, sort: "EXPECTED_START_TIME_ASC" })).body as any[];
  const logsOf = async (flowRunId: string) =>
    ((await server.request("POST", "/logs/filter", { logs: { flow_run_id: { any_: [flowRunId] } } })).body as any[]).map((l) => l.message as string);
  const historyOf = async (taskRunId: string) =>
    ((await server.request("GET", `/task_run_states/?task_run_id=${taskRunId}`)).body as any[]).map((s) => `${s.type}:${s.name}`);

  it("creates the flow, the flow run, a task run per call (Promise.all too), states, the result and logs", async () => {
    const double = task({ name: "double" }, async (x: number) => {
      getRunLogger().info(`doubling ${x}`);
      return x * 2;
    });
    const hello = flow({ name: "sdk-hello" }, async ({ n }: { n: number }) => {
      getRunLogger().info(`hello with n=${n}`);
      const values = await Promise.all([double(n), double(n + 1), double(n + 2)]);
      return { sum: values.reduce((a, b) => a + b, 0) };
    });
    expect(await hello({ n: 1 })).toEqual({ sum: 12 });
    const [run] = await flowRunsOf("sdk-hello");
    expect(run.state_type).toBe("COMPLETED");
    expect(run.parameters).toEqual({ n: 1 });
    expect(run.state.data).toEqual({ sum: 12 });
    const tasks = await taskRunsOf(run.id);
    expect(tasks.map((t) => t.state_type)).toEqual(["COMPLETED", "COMPLETED", "COMPLETED"]);
    expect(tasks.map((t) => t.dynamic_key).sort()).toEqual(["0", "1", "2"]);
    expect(tasks.map((t) => t.state.data).sort()).toEqual([2, 4, 6]);
    const logs = await logsOf(run.id);
    expect(logs).toContain("hello with n=1");
    expect(logs).toEqual(expect.arrayContaining(["doubling 1", "doubling 2", "doubling 3"]));
    const taskLogs = (await server.request("POST", "/logs/filter", { logs: { task_run_id: { any_: [tasks[0].id] } } })).body;
    expect(taskLogs.length).toBeGreaterThan(0);
  });

  it("retries a failing task (AwaitingRetry, run_count) until it succeeds", async () => {
    let calls = 0;
    const flaky = task({ name: "flaky-step", retries: 2, retryDelaySeconds: [0.05, 0.1] }, async () => {
      calls++;
      if (calls < 3) throw new Error(`boom ${calls}`);
      return "ok";
    });
    const f = flow({ name: "sdk-retry" }, async () => flaky());
    expect(await f()).toBe("ok");
    const [run] = await flowRunsOf("sdk-retry");
    const [tr] = await taskRunsOf(run.id);
    expect(tr.state_type).toBe("COMPLETED");
    expect(tr.run_count).toBe(3);
    const history = await historyOf(tr.id);
    expect(history.filter((h) => h === "SCHEDULED:AwaitingRetry")).toHaveLength(2);
    expect(await logsOf(run.id)).toEqual(expect.arrayContaining([expect.stringContaining("Error: boom 1")]));
  });

  it("fails the task and the flow when retries run out, with the error in the message and logs", async () => {
    const bad = task({ name: "always-bad", retries: 1 }, async () => {
      throw new TypeError("nope");
    });
    const f = flow({ name: "sdk-fail" }, async () => bad());
    await expect(f()).rejects.toThrow("nope");
    const [run] = await flowRunsOf("sdk-fail");
    expect(run.state_type).toBe("FAILED");
    expect(run.state.message).toMatch(/TypeError: nope/);
    const [tr] = await taskRunsOf(run.id);
    expect(tr.state_type).toBe("FAILED");
    expect(tr.run_count).toBe(2);
    expect((await logsOf(run.id)).some((m) => m.includes("TypeError: nope") && m.includes("at "))).toBe(true);
  });

  it("times a task out through its AbortSignal (TimedOut) and retries a flow run", async () => {
    let aborted = false;
    let flowAttempts = 0;
    const slow = task({ name: "slow", timeoutSeconds: 0.2 }, async () => {
      const { signal } = getRunContext()!;
      await new Promise<void>((resolve) => signal.addEventListener("abort", () => ((aborted = true), resolve()), { once: true }));
      return "late";
    });
    const f = flow({ name: "sdk-timeout", retries: 1 }, async () => {
      flowAttempts++;
      return slow();
    });
    await expect(f()).rejects.toThrow(/exceeded timeout/);
    expect(aborted).toBe(true);
    expect(flowAttempts).toBe(2);
    const [run] = await flowRunsOf("sdk-timeout");
    expect(run.state_type).toBe("FAILED");
    expect(run.run_count).toBe(2);
    const tasks = await taskRunsOf(run.id);
    expect(tasks).toHaveLength(2);
    expect(tasks.every((t) => t.state_type === "FAILED" && t.state.name === "TimedOut")).toBe(true);
  });

  it("records a nested flow as a subflow run with a parent task run", async () => {
    const child = flow({ name: "sdk-child" }, async ({ x }: { x: number }) => x + 1);
    const parent = flow({ name: "sdk-parent" }, async () => (await child({ x: 1 })) + (await child({ x: 2 })));
    expect(await parent()).toBe(5);
    const [p] = await flowRunsOf("sdk-parent");
    const children = await flowRunsOf("sdk-child");
    expect(children).toHaveLength(2);
    const parentTasks = await taskRunsOf(p.id);
    expect(parentTasks).toHaveLength(2);
    expect(children.map((c) => c.parent_task_run_id).sort()).toEqual(parentTasks.map((t) => t.id).sort());
    expect(parentTasks.every((t) => t.state_type === "COMPLETED")).toBe(true);
    expect(children.every((c) => c.state_type === "COMPLETED")).toBe(true);
  });

  it("validates parameters against the flow's JSON Schema and fills its defaults", async () => {
    const f = flow(
      {
        name: "sdk-params",
        parameters: { type: "object", properties: { name: { type: "string" }, times: { type: "integer", minimum: 1, default: 2 } }, required: ["name"] },
      },
      async (p: { name: string; times?: number }) => p.name.repeat(p.times ?? 0),
    );
    expect(await f({ name: "ab" })).toBe("abab");
    const err = await f({ name: "x", times: 0 } as never).catch((e) => e);
    expect(err).toBeInstanceOf(ParameterValidationError);
    expect(err.message).toMatch(/times: must be >= 1/);
    await expect(f({} as never)).rejects.toThrow(/name: must have required property 'name'/);
    const runs = await flowRunsOf("sdk-params");
    expect(runs).toHaveLength(1);
    expect(runs[0].parameters).toEqual({ name: "ab", times: 2 });
  });

  it("summarises a result larger than 64 KiB instead of storing it", async () => {
    const f = flow({ name: "sdk-big" }, async () => "x".repeat(70_000));
    expect((await f()).length).toBe(70_000);
    const [run] = await flowRunsOf("sdk-big");
    expect(run.state.data).toMatchObject({ truncated: true });
    expect(run.state.data.summary).toMatch(/string of 70002 bytes/);
  });

  it("ends CANCELLED, with its running task, when its signal is aborted for cancellation", async () => {
    let started!: () => void;
    const isStarted = new Promise<void>((r) => (started = r));
    const wait = task({ name: "wait-forever" }, async () => {
      started();
      await new Promise(() => undefined);
    });
    const f = flow({ name: "sdk-cancel" }, async () => wait());
    const controller = new AbortController();
    const pending = flowDefinitionOf(f)!.run({}, { signal: controller.signal });
    await isStarted;
    controller.abort(new RunCancelledError("cancel requested"));
    const result = await pending;
    expect(result.finalType).toBe("CANCELLED");
    const [run] = await flowRunsOf("sdk-cancel");
    expect(run.state_type).toBe("CANCELLED");
    expect((await taskRunsOf(run.id))[0].state_type).toBe("CANCELLED");
  });
});
