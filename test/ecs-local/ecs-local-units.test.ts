import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FaultInjector } from "../../packages/ecs-local/src/faults/fault-injector.js";
import { TokenBucket } from "../../packages/ecs-local/src/limits/token-bucket.js";
import { seededRandom } from "../../packages/ecs-local/src/seeded-random.js";
import { parseQueryParams } from "../../packages/ecs-local/src/protocol/query-params.js";
import { resolveContainerLaunch } from "../../packages/ecs-local/src/runtime/container-launch.js";
import { compileFilterPattern } from "../../packages/ecs-local/src/services/logs/filter-pattern.js";
import { isFargateSize, parseCpu, parseMemory } from "../../packages/ecs-local/src/services/ecs/ecs-validation.js";
import { parseFault, parseLimit, resolveStartOptions } from "../../packages/cli/src/commands/ecs-local/start-options.js";

// Pure logic, tested without a server.

describe("TokenBucket", () => {
  it("allows the burst, then the rate, on a controlled clock", () => {
    let now = 0;
    const bucket = new TokenBucket(3, 2, () => now);
    expect([bucket.tryTake(), bucket.tryTake(), bucket.tryTake(), bucket.tryTake()]).toEqual([true, true, true, false]);
    now += 500; // one token at 2 per second
    expect([bucket.tryTake(), bucket.tryTake()]).toEqual([true, false]);
    now += 10_000; // never more than the burst
    expect(bucket.available()).toBe(3);
    expect(bucket.tryTake(4)).toBe(false);
    expect(bucket.tryTake(3)).toBe(true);
  });

  it("never grants more than burst + rate × time, whatever the pattern of calls", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 50 }), fc.integer({ min: 1, max: 50 }), fc.array(fc.integer({ min: 0, max: 300 }), { maxLength: 200 }), (burst, rate, gaps) => {
        let now = 0;
        const bucket = new TokenBucket(burst, rate, () => now);
        let granted = 0;
        for (const gap of gaps) {
          now += gap;
          if (bucket.tryTake()) granted++;
        }
        expect(granted).toBeLessThanOrEqual(burst + Math.floor((rate * now) / 1000) + 1);
      }),
    );
  });
});

describe("parseQueryParams", () => {
  it("nests dotted keys and turns 1-based indexes (and member segments) into lists", () => {
    const params = new URLSearchParams("Action=DescribeSubnets&Filter.1.Name=vpc-id&Filter.1.Value.1=a&Filter.1.Value.2=b&Filter.2.Name=state&Filter.2.Value.1=available&Tags.member.1.Key=k&Tags.member.1.Value=v");
    expect(parseQueryParams(params)).toEqual({
      Action: "DescribeSubnets",
      Filter: [
        { Name: "vpc-id", Value: ["a", "b"] },
        { Name: "state", Value: ["available"] },
      ],
      Tags: [{ Key: "k", Value: "v" }],
    });
  });

  it("rejects malformed keys instead of guessing", () => {
    expect(parseQueryParams(new URLSearchParams("Filter..Name=x"))).toBeUndefined();
    expect(parseQueryParams(new URLSearchParams("Filter.0.Name=x"))).toBeUndefined();
    expect(parseQueryParams(new URLSearchParams("1=x"))).toBeUndefined();
  });
});

describe("resolveContainerLaunch", () => {
  const options = { images: [{ image: "*/ecsflow:*", entryPoint: ["tini", "--"], command: ["ecsflow", "--help"], workingDirectory: "/app", environment: { IMG: "1" } }], commandAliases: { ecsflow: ["/usr/bin/node", "/repo/bin/ecsflow.js"] }, defaultWorkingDirectory: "/work", hostEnv: { PATH: "/bin", IMG: "host" }, agentEnv: { AWS_REGION: "us-east-1" } };

  it("applies Docker's ENTRYPOINT/CMD rules with the image mapping standing in for the image", () => {
    const fromImage = resolveContainerLaunch({ image: "ghcr.io/acme/ecsflow:1.2", environments: [] }, options)!;
    expect(fromImage.argv).toEqual(["tini", "--", "ecsflow", "--help"]);
    expect(fromImage.cwd).toBe("/app");
    const command = resolveContainerLaunch({ image: "ghcr.io/acme/ecsflow:1.2", command: ["ecsflow", "flow-run", "execute"], environments: [] }, options)!;
    expect(command.argv).toEqual(["tini", "--", "ecsflow", "flow-run", "execute"]);
    // A task definition entryPoint replaces the image's and drops its default command.
    const entry = resolveContainerLaunch({ image: "ghcr.io/acme/ecsflow:1.2", entryPoint: ["ecsflow"], environments: [] }, options)!;
    expect(entry.argv).toEqual(["/usr/bin/node", "/repo/bin/ecsflow.js"]);
    const other = resolveContainerLaunch({ image: "python:3.12", command: ["python", "-c", "print(1)"], workingDirectory: "/srv", environments: [] }, options)!;
    expect([other.argv, other.cwd]).toEqual([["python", "-c", "print(1)"], "/srv"]);
    expect(resolveContainerLaunch({ image: "python:3.12", environments: [] }, options)).toBeUndefined();
  });

  it("layers the environment: host, agent, image, task definition, override, secrets", () => {
    const launch = resolveContainerLaunch({ image: "x/ecsflow:1", command: ["true"], environments: [{ A: "td", B: "td" }, { B: "override" }, { S: "secret" }] }, options)!;
    expect(launch.env).toEqual({ PATH: "/bin", IMG: "1", AWS_REGION: "us-east-1", A: "td", B: "override", S: "secret" });
  });
});

describe("CloudWatch Logs term filter patterns", () => {
  it("matches all terms, any ?terms, no -terms, and quoted phrases", () => {
    const m = (p: string, s: string) => compileFilterPattern(p)(s);
    expect([m("", "x"), m("ERROR", "an ERROR"), m("ERROR", "error"), m("ERROR disk", "ERROR: disk full"), m("ERROR disk", "ERROR: cpu")]).toEqual([true, true, false, true, false]);
    expect([m("?a ?b", "b"), m("?a ?b", "c"), m("x -y", "x y"), m('"two words"', "two words here"), m('"two words"', "two, words")]).toEqual([true, false, false, true, false]);
  });
});

describe("Fargate task sizes", () => {
  it("accepts the published CPU/memory table and parses vCPU and GB units", () => {
    expect([parseCpu("1 vCPU"), parseCpu("0.5 vcpu"), parseCpu("256"), parseCpu("lots")]).toEqual([1024, 512, 256, undefined]);
    expect([parseMemory("2 GB"), parseMemory("512"), parseMemory("2GB")]).toEqual([2048, 512, 2048]);
    expect([isFargateSize(256, 512), isFargateSize(256, 2048), isFargateSize(256, 4096), isFargateSize(512, 3072), isFargateSize(4096, 30720), isFargateSize(8192, 20480), isFargateSize(8192, 16384), isFargateSize(300, 1024)]).toEqual([
      true,
      true,
      false,
      true,
      true,
      true,
      true,
      false,
    ]);
  });
});

describe("ecs-local start options", () => {
  it("reads flags over ECSFLOW_ECS_LOCAL_* variables, and passes only chosen host variables to tasks", () => {
    const env = { ECSFLOW_ECS_LOCAL_PORT: "5000", ECSFLOW_ECS_LOCAL_LIMITS: "off", PATH: "/bin", SECRET_TOKEN: "x", ECSFLOW_ECS_LOCAL_FAULTS: "throttle:RunTask@0.5", HOME: "/home/u" };
    const fromEnv = resolveStartOptions({}, env, "/repo/bin/ecsflow.js");
    expect(fromEnv).toMatchObject({ port: 5000, limits: false, host: "127.0.0.1", faults: [{ kind: "throttle", operation: "RunTask", fraction: 0.5 }] });
    expect(fromEnv.hostEnv).toEqual({ PATH: "/bin", HOME: "/home/u" });
    expect(fromEnv.commandAliases.ecsflow).toEqual([process.execPath, "/repo/bin/ecsflow.js"]);
    const fromFlags = resolveStartOptions({ port: "0", limits: true, passEnv: ["SECRET_TOKEN"], provisioningDelay: "10-20", limit: ["describeTasks=10/5"] }, { ...env, ECSFLOW_ECS_LOCAL_LIMITS: undefined }, "/repo/bin/ecsflow.js");
    expect(fromFlags).toMatchObject({ port: 0, provisioningDelayMs: { min: 10, max: 20 }, limits: { enabled: true, buckets: { describeTasks: { burst: 10, ratePerSecond: 5 } } } });
    expect(fromFlags.hostEnv.SECRET_TOKEN).toBe("x");
  });

  it("refuses malformed flags with a usage error", () => {
    expect(() => resolveStartOptions({ port: "eighty" }, {}, "/b")).toThrow(/--port/);
    expect(() => resolveStartOptions({ provisioningDelay: "20-10" }, {}, "/b")).toThrow(/MAX must be/);
    expect(() => parseFault("throttle@lots")).toThrow(/kind\[:Operation\]/);
    expect(parseFault("cannot-pull-container@0.25*3")).toEqual({ kind: "cannot-pull-container", operation: undefined, fraction: 0.25, count: 3 });
    expect(() => parseLimit("runTask=fast")).toThrow(/burst\/ratePerSecond/);
  });
});

describe("FaultInjector", () => {
  const ecs = { name: "ecs", protocol: "json" as const, operations: {}, errors: { missingParameter: { code: "P", status: 400 }, invalidType: { code: "T", status: 400 }, throttling: { code: "ThrottlingException", status: 400 }, serverError: { code: "ServerException", status: 500 } } };
  const outcome = (faults: FaultInjector, op: string) => {
    try {
      faults.checkCall(ecs, op);
      return "ok";
    } catch (err) {
      return (err as { code: string }).code;
    }
  };

  it("fails about the given fraction of matching calls, reproducibly for a seed, and only those", () => {
    const run = () => {
      const faults = new FaultInjector([{ kind: "throttle", operation: "ecs:RunTask", fraction: 0.25 }], seededRandom(1234));
      return Array.from({ length: 400 }, () => outcome(faults, "RunTask"));
    };
    const first = run();
    const throttled = first.filter((o) => o === "ThrottlingException").length;
    expect(throttled).toBeGreaterThan(60);
    expect(throttled).toBeLessThan(140);
    expect(run()).toEqual(first);
    const faults = new FaultInjector([{ kind: "throttle", operation: "ecs:RunTask", fraction: 1 }], seededRandom(1));
    expect(outcome(faults, "DescribeTasks")).toBe("ok");
  });

  it("stops after count, and answers server errors and launch faults", () => {
    const faults = new FaultInjector([{ kind: "server-error", count: 2 }, { kind: "cannot-pull-container", fraction: 1, count: 1 }], seededRandom(1));
    expect([outcome(faults, "ListClusters"), outcome(faults, "RunTask"), outcome(faults, "ListClusters")]).toEqual(["ServerException", "ServerException", "ok"]);
    expect([faults.launchFault(), faults.launchFault()]).toEqual(["cannot-pull-container", undefined]);
    expect(faults.injected).toMatchObject({ "server-error": 2, "cannot-pull-container": 1 });
  });
});
