import type { Task } from "@aws-sdk/client-ecs";
import pino from "pino";
import { describe, expect, it } from "vitest";
import { DescribeTasksWatcher, type WatchRequest } from "../../../../packages/worker/src/infrastructure/ecs/describe-tasks-watcher.js";

// Pure scheduling logic of the watcher with events: the AWS client is a counter (the real calls
// over ecs-local are covered by ecs-task-events.test.ts).

function request(taskArn: string, calls: string[][]): WatchRequest {
  const clients = {
    key: "k",
    ecs: {
      send: async (command: { input: { tasks: string[] } }) => {
        calls.push(command.input.tasks);
        return { tasks: command.input.tasks.map((arn) => ({ taskArn: arn, lastStatus: "RUNNING" })) };
      },
    },
  };
  return { clients: clients as never, cluster: "c", taskArn, pollIntervalMs: 50, startTimeoutMs: 0, startClockMs: Date.now(), stopForStartTimeout: async () => undefined };
}

const stopped = (taskArn: string, version = 3): Task => ({ taskArn, lastStatus: "STOPPED", version, containers: [{ name: "main", exitCode: 0 }] });

describe("DescribeTasksWatcher with task state change events", () => {
  it("applies a STOPPED event that came before the watch, without any DescribeTasks", async () => {
    const calls: string[][] = [];
    const watcher = new DescribeTasksWatcher({ logger: pino({ level: "silent" }), firstCheckMs: 10, minRoundGapMs: 5, eventFallbackMs: 60_000 });
    watcher.useEvents(() => true);
    watcher.observe(stopped("arn:aws:ecs:us-east-1:1:task/c/abc"));
    const outcome = await watcher.watch(request("arn:aws:ecs:us-east-1:1:task/c/abc", calls));
    expect(outcome).toMatchObject({ kind: "stopped", task: { lastStatus: "STOPPED" } });
    expect(calls).toEqual([]);
    expect(watcher.stats.eventsApplied).toBe(1);
    watcher.close();
  });

  it("defers a new task's first DescribeTasks to the fallback while events flow, and ends it from its event", async () => {
    const calls: string[][] = [];
    const watcher = new DescribeTasksWatcher({ logger: pino({ level: "silent" }), firstCheckMs: 10, minRoundGapMs: 5, eventFallbackMs: 60_000 });
    watcher.useEvents(() => true);
    const updates: string[] = [];
    const watching = watcher.watch({ ...request("arn:t/1", calls), onUpdate: (t) => updates.push(t.lastStatus!) });
    await new Promise((r) => setTimeout(r, 120));
    watcher.observe({ taskArn: "arn:t/1", lastStatus: "RUNNING", version: 2 });
    watcher.observe(stopped("arn:t/1"));
    await expect(watching).resolves.toMatchObject({ kind: "stopped" });
    expect(calls).toEqual([]);
    expect(updates).toEqual(["RUNNING"]);
    watcher.close();
  });

  it("without events, describes a new task after firstCheckMs, and an early event for another task changes nothing", async () => {
    const calls: string[][] = [];
    const watcher = new DescribeTasksWatcher({ logger: pino({ level: "silent" }), firstCheckMs: 10, minRoundGapMs: 5, eventFallbackMs: 60_000 });
    watcher.observe(stopped("arn:other"));
    const watching = watcher.watch(request("arn:t/2", calls));
    const start = Date.now();
    while (calls.length === 0 && Date.now() - start < 5_000) await new Promise((r) => setTimeout(r, 10));
    expect(calls[0]).toEqual(["arn:t/2"]);
    watcher.observe(stopped("arn:t/2", 9));
    await expect(watching).resolves.toMatchObject({ kind: "stopped" });
    watcher.close();
  });

  it("keeps the newest early event of a task (standard queues reorder)", async () => {
    const calls: string[][] = [];
    const watcher = new DescribeTasksWatcher({ logger: pino({ level: "silent" }), firstCheckMs: 10, minRoundGapMs: 5, eventFallbackMs: 60_000 });
    watcher.useEvents(() => true);
    watcher.observe(stopped("arn:t/3", 5));
    watcher.observe({ taskArn: "arn:t/3", lastStatus: "RUNNING", version: 4 });
    await expect(watcher.watch(request("arn:t/3", calls))).resolves.toMatchObject({ kind: "stopped", task: { version: 5 } });
    expect(calls).toEqual([]);
    watcher.close();
  });
});
