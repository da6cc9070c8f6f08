// flaky: a task that fails on its first attempts and succeeds on a retry.
import { flow, task, getRunLogger, getRunContext } from "@ecsflow/sdk";

const attempts = new Map<string, number>();

const callFlakyService = task({ name: "call-flaky-service", retries: 3, retryDelaySeconds: 0.2 }, async (failTimes: number) => {
  // Counted per task run, so each run of the flow fails `failTimes` times and then succeeds.
  const key = getRunContext()?.taskRunId ?? "local";
  const attempt = (attempts.get(key) ?? 0) + 1;
  attempts.set(key, attempt);
  if (attempt <= failTimes) throw new Error(`service unavailable (attempt ${attempt})`);
  getRunLogger().info(`service answered on attempt ${attempt}`);
  return attempt;
});

export const flaky = flow(
  {
    name: "flaky",
    description: "Fails, then succeeds on retry.",
    parameters: { type: "object", properties: { fail_times: { type: "integer", minimum: 0, maximum: 3, default: 2 } } },
  },
  async ({ fail_times }: { fail_times: number }) => ({ attempts: await callFlakyService(fail_times) }),
);
