// vitest globalSetup: a container engine for the container-mode tests. ECSFLOW_TEST_ENGINE_HOST
// names one (e.g. a developer's Docker); otherwise, where Debian's podman is installed, this starts
// Podman's Docker-compatible service on a private socket, configured as these machines need
// (runc, cgroupfs, host network, ulimits no higher than the sandbox allows), and stops it after the
// run. Tests read the address with inject("engineHost"); null means skip, with inject("engineSkipReason").
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { engineAnswers, parseEngineAddress } from "../../src/ecs-local/runtime/detect-engine.js";

declare module "vitest" {
  export interface ProvidedContext {
    engineHost: string | null;
    engineSkipReason: string;
  }
}

const CONTAINERS_CONF = `[containers]
default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]
netns = "host"

[engine]
cgroup_manager = "cgroupfs"
runtime = "runc"
events_logger = "file"
`;

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const skip = (reason: string) => {
    project.provide("engineHost", null);
    project.provide("engineSkipReason", reason);
    return async () => undefined;
  };
  const explicit = process.env.ECSFLOW_TEST_ENGINE_HOST;
  if (explicit) {
    const address = parseEngineAddress(explicit);
    if (!address || !(await engineAnswers(address))) return skip(`ECSFLOW_TEST_ENGINE_HOST=${explicit} does not answer the Docker Engine API`);
    project.provide("engineHost", explicit);
    project.provide("engineSkipReason", "");
    return async () => undefined;
  }
  if (spawnSync("podman", ["--version"]).status !== 0) return skip("needs a container engine: apt-get install -y podman runc (or set ECSFLOW_TEST_ENGINE_HOST to a Docker socket)");
  const dir = mkdtempSync(join(tmpdir(), "ecsflow-podman-"));
  const conf = join(dir, "containers.conf");
  writeFileSync(conf, CONTAINERS_CONF);
  const socket = join(dir, "podman.sock");
  const service: ChildProcess = spawn("podman", ["system", "service", "--time=0", `unix://${socket}`], {
    env: { ...process.env, CONTAINERS_CONF: conf },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  service.stderr?.on("data", (d) => (stderr += String(d)));
  const address = parseEngineAddress(socket)!;
  const deadline = Date.now() + 20_000;
  while (!(await engineAnswers(address))) {
    if (service.exitCode !== null || Date.now() > deadline) {
      service.kill("SIGKILL");
      return skip(`podman system service did not start: ${stderr.trim().split("\n").slice(-3).join(" | ") || "no output"}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  project.provide("engineHost", `unix://${socket}`);
  project.provide("engineSkipReason", "");
  return async () => {
    service.kill("SIGTERM");
    await new Promise((r) => setTimeout(r, 200));
    if (service.exitCode === null) service.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  };
}
