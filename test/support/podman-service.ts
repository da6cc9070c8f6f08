// Podman's Docker-compatible service on a private socket, configured as these machines need (runc,
// cgroupfs, host network, ulimits no higher than the sandbox allows). Used by the test suite's
// globalSetup and by the container benchmarks.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { engineAnswers, parseEngineAddress } from "../../packages/ecs-local/src/runtime/detect-engine.js";

const CONTAINERS_CONF = `[containers]
default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]
netns = "host"

[engine]
cgroup_manager = "cgroupfs"
runtime = "runc"
events_logger = "file"
`;

export type PodmanService = { engineHost: string; stop(): Promise<void> } | { skipReason: string };

export const PODMAN_INSTALL_HINT = "needs a container engine: apt-get install -y podman runc (or set ECSFLOW_TEST_ENGINE_HOST to a Docker socket)";

export async function startPodmanService(): Promise<PodmanService> {
  if (spawnSync("podman", ["--version"]).status !== 0) return { skipReason: PODMAN_INSTALL_HINT };
  const dir = mkdtempSync(join(tmpdir(), "ecsflow-podman-"));
  const conf = join(dir, "containers.conf");
  writeFileSync(conf, CONTAINERS_CONF);
  const socket = join(dir, "podman.sock");
  const service: ChildProcess = spawn("podman", ["system", "service", "--time=0", `unix://${socket}`], {
    env: { ...process.env, CONTAINERS_CONF: conf },
    // conmon writes an `oom` marker file into its working directory when a container is
    // OOM-killed (the OOM test does that): keep it out of the checkout.
    cwd: dir,
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  service.stderr?.on("data", (d) => (stderr += String(d)));
  const address = parseEngineAddress(socket)!;
  const deadline = Date.now() + 20_000;
  while (!(await engineAnswers(address))) {
    if (service.exitCode !== null || Date.now() > deadline) {
      service.kill("SIGKILL");
      rmSync(dir, { recursive: true, force: true });
      return { skipReason: `podman system service did not start: ${stderr.trim().split("\n").slice(-3).join(" | ") || "no output"}` };
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    engineHost: `unix://${socket}`,
    async stop() {
      service.kill("SIGTERM");
      await new Promise((r) => setTimeout(r, 200));
      if (service.exitCode === null) service.kill("SIGKILL");
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
