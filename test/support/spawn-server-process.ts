import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

export interface ServerProcess {
  apiUrl: string;
  pid: number;
  stop(): Promise<void>;
}

/** Starts test/support/server-process.ts in a child process over the database at `url`. */
export async function spawnServerProcess(url: string, options: { sqliteSynchronous?: "FULL" | "NORMAL" } = {}): Promise<ServerProcess> {
  const script = fileURLToPath(new URL("./server-process.ts", import.meta.url));
  const child = spawn(process.execPath, ["--conditions=ecsflow-source", "--import", "tsx", script, url, options.sqliteSynchronous ?? "NORMAL"], { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += String(d)));
  const apiUrl = await new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (d) => {
      out += String(d);
      const m = /LISTENING (\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.once("exit", (code) => reject(new Error(`server process exited with ${code}: ${stderr}`)));
  });
  return {
    apiUrl,
    pid: child.pid as number,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}
