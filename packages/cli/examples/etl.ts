// etl: extract three sources in parallel (tasks with retries), transform, load.
import { flow, task, getRunLogger } from "@ecsflow/sdk";

const extract = task({ name: "extract", retries: 2, retryDelaySeconds: [0.5, 1], retryJitterFactor: 0.2 }, async (source: string) => {
  getRunLogger().info(`extracting ${source}`);
  return Array.from({ length: 5 }, (_, i) => ({ source, value: i + source.length }));
});

const transform = task({ name: "transform" }, async (rows: { source: string; value: number }[]) => rows.map((r) => ({ ...r, value: r.value * 10 })));

const load = task({ name: "load", timeoutSeconds: 30 }, async (rows: unknown[]) => {
  getRunLogger().info(`loaded ${rows.length} rows`);
  return rows.length;
});

export const etl = flow(
  {
    name: "etl",
    description: "Extracts sources in parallel, transforms and loads them.",
    parameters: {
      type: "object",
      properties: { sources: { type: "array", items: { type: "string" }, default: ["orders", "customers", "items"] } },
    },
  },
  async ({ sources }: { sources: string[] }) => {
    const extracted = await Promise.all(sources.map((s) => extract(s)));
    const transformed = await transform(extracted.flat());
    return { loaded: await load(transformed) };
  },
);
