// The prices ecsflow computes run costs with: the one place to edit them. On-demand list prices
// in US dollars, Linux, without Savings Plans, Spot discounts you negotiated or taxes.
//
// Fargate: https://aws.amazon.com/fargate/pricing/ — us-east-1 rates as that page listed them in
// March 2026 (x86 $0.04048 per vCPU-hour and $0.004445 per GB-hour; ARM $0.03238 and $0.00356,
// checked against published copies of the page). The other Regions' rates here were not checked
// against the page when written: verify them before relying on them. Fargate bills per second,
// from when the task starts pulling its image until it stops, with a one-minute minimum.
// Fargate Spot: the same page, "Fargate Spot pricing"; Spot rates move with supply and demand, so
// these are a snapshot (2026-03, us-east-1) and the cost shown for a Spot run is an estimate.
// EC2: https://aws.amazon.com/ec2/pricing/on-demand/ — us-east-1 Linux on-demand hourly prices,
// 2026-03. A task on EC2 is charged its share of the instance: the mean of its cpu share and its
// memory share (what it reserved, not what it used) of what the instance registered with ECS
// (DescribeContainerInstances), else of the instance type's size below.
//
// Checked: 2026-12-07. Edit a number here and every cost computed from then on uses it; costs
// already stored keep the price they were computed with (their `pricing` text names it).

/** Per-hour prices of one vCPU and one GB (GiB, as Fargate counts memory) of memory. */
export interface FargateRate {
  vcpuHour: number;
  gbHour: number;
}

export interface FargateRegionPrices {
  x86_64: FargateRate;
  arm64: FargateRate;
  spot?: { x86_64?: FargateRate; arm64?: FargateRate };
}

export const PRICES_SOURCE = {
  fargate: "https://aws.amazon.com/fargate/pricing/",
  ec2: "https://aws.amazon.com/ec2/pricing/on-demand/",
  checked: "2026-12-07",
} as const;

/** Fargate's minimum billed duration per task. */
export const FARGATE_MINIMUM_SECONDS = 60;

const US_RATES: FargateRegionPrices = {
  x86_64: { vcpuHour: 0.04048, gbHour: 0.004445 },
  arm64: { vcpuHour: 0.03238, gbHour: 0.00356 },
  spot: { x86_64: { vcpuHour: 0.01218784, gbHour: 0.00133831 }, arm64: { vcpuHour: 0.00975009, gbHour: 0.00107128 } },
};

export const FARGATE_PRICES: Readonly<Record<string, FargateRegionPrices>> = {
  "us-east-1": US_RATES,
  "us-east-2": US_RATES,
  "us-west-2": US_RATES,
  "eu-west-1": { x86_64: { vcpuHour: 0.04048, gbHour: 0.004445 }, arm64: { vcpuHour: 0.03238, gbHour: 0.00356 } },
  "eu-central-1": { x86_64: { vcpuHour: 0.04656, gbHour: 0.00511 }, arm64: { vcpuHour: 0.03725, gbHour: 0.00409 } },
};

/** An EC2 instance type: its vCPUs, memory (GiB) and on-demand hourly price. */
export interface InstanceTypePrice {
  vcpu: number;
  memoryGib: number;
  hourly: number;
}

/** us-east-1, Linux, on-demand. Instance types or Regions not listed get no price (the run says so). */
export const EC2_PRICES: Readonly<Record<string, Readonly<Record<string, InstanceTypePrice>>>> = {
  "us-east-1": {
    "t3.medium": { vcpu: 2, memoryGib: 4, hourly: 0.0416 },
    "t3.large": { vcpu: 2, memoryGib: 8, hourly: 0.0832 },
    "m5.large": { vcpu: 2, memoryGib: 8, hourly: 0.096 },
    "m5.xlarge": { vcpu: 4, memoryGib: 16, hourly: 0.192 },
    "m5.2xlarge": { vcpu: 8, memoryGib: 32, hourly: 0.384 },
    "m6i.large": { vcpu: 2, memoryGib: 8, hourly: 0.096 },
    "m6i.xlarge": { vcpu: 4, memoryGib: 16, hourly: 0.192 },
    "m6g.large": { vcpu: 2, memoryGib: 8, hourly: 0.077 },
    "m7g.large": { vcpu: 2, memoryGib: 8, hourly: 0.0816 },
    "c5.large": { vcpu: 2, memoryGib: 4, hourly: 0.085 },
    "c6i.large": { vcpu: 2, memoryGib: 4, hourly: 0.085 },
    "c6g.large": { vcpu: 2, memoryGib: 4, hourly: 0.068 },
    "r5.large": { vcpu: 2, memoryGib: 16, hourly: 0.126 },
  },
};
