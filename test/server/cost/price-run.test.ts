import { describe, expect, it } from "vitest";
import { priceRun } from "../../../packages/server/src/cost/price-run.js";
import { EC2_PRICES } from "../../../packages/server/src/cost/prices.js";

const EC2_HOUR = { launch_type: "EC2", region: "us-east-1", instance_type: "m5.xlarge", started_at: "2026-12-01T10:00:00Z", stopped_at: "2026-12-01T11:00:00Z" };
const HOURLY = EC2_PRICES["us-east-1"]["m5.xlarge"].hourly;

describe("EC2 run prices", () => {
  it("charges the task's share of what the instance registered: mean of cpu and memory shares times the hourly price", () => {
    // 1024 of 4096 cpu units (25 %) and 7500 of 15000 MiB (50 %): 37.5 % of an hour.
    const priced = priceRun({ ...EC2_HOUR, cpu: 1024, memory: 7500, instance_cpu: 4096, instance_memory: 15000 });
    expect(priced.billedSeconds).toBe(3600);
    expect(priced.costUsd).toBeCloseTo(HOURLY * 0.375, 12);
    expect(priced.pricing).toContain("37.50% (mean of 1024/4096 cpu units, 7500/15000 MiB registered)");
  });

  it("falls back to the instance type's size from the prices table when the registered resources are unknown", () => {
    const priced = priceRun({ ...EC2_HOUR, cpu: 1024, memory: 8192 });
    // m5.xlarge: 4 vCPU (4096 units), 16 GiB (16384 MiB): 25 % and 50 %.
    expect(priced.costUsd).toBeCloseTo(HOURLY * 0.375, 12);
    expect(priced.pricing).toContain("of the instance type (registered resources unknown)");
  });

  it("caps a share at the whole instance, and says why a run has no price", () => {
    expect(priceRun({ ...EC2_HOUR, cpu: 8192, memory: 30000, instance_cpu: 4096, instance_memory: 15000 }).costUsd).toBeCloseTo(HOURLY, 12);
    expect(priceRun({ ...EC2_HOUR, instance_type: null, cpu: 1024, memory: 1024 })).toMatchObject({ costUsd: null, pricing: expect.stringContaining("type is unknown") });
    expect(priceRun({ ...EC2_HOUR, instance_type: "x9.huge", cpu: 1024, memory: 1024 })).toMatchObject({ costUsd: null, pricing: expect.stringContaining("no price for x9.huge") });
    expect(priceRun({ ...EC2_HOUR, started_at: null, cpu: 1024 })).toMatchObject({ costUsd: null, billedSeconds: null });
  });
});
