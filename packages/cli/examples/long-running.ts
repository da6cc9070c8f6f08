// long-running: ticks until done or cancelled; stops promptly because it honours its signal.
import { flow, getRunLogger } from "@ecsflow/sdk";

export const longRunning = flow(
  {
    name: "long-running",
    description: "Runs for a while, for cancellation demos.",
    parameters: { type: "object", properties: { seconds: { type: "number", minimum: 0, default: 300 } } },
  },
  async ({ seconds }: { seconds: number }, { signal }) => {
    const logger = getRunLogger();
    const until = Date.now() + seconds * 1000;
    let tick = 0;
    while (Date.now() < until) {
      logger.info(`tick ${++tick}`);
      await new Promise<void>((resolve, reject) => {
        const t = setTimeout(resolve, 500);
        signal.addEventListener("abort", () => (clearTimeout(t), reject(signal.reason)), { once: true });
      });
    }
    return { ticks: tick };
  },
);
