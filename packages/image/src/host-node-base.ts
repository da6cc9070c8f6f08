import { execFileSync } from "node:child_process";
import { existsSync, realpathSync } from "node:fs";
import { TarWriter } from "./tar-writer.js";

/** The user the runtime image runs as (non-root), with a home for ~/.ecsflow. */
export const IMAGE_USER = { name: "ecsflow", uid: 10001, gid: 10001, home: "/home/ecsflow" } as const;

/**
 * A root filesystem made from the host's own Node.js runtime: the node binary and the shared
 * libraries it links (as `ldd` lists them), a shell and `env` for `#!/usr/bin/env node`, CA
 * certificates, and a non-root user. It is the base of the runtime image where no image registry
 * is reachable; built from what is installed, it needs no download.
 */
export function hostNodeBaseRootfs(nodePath: string): TarWriter {
  if (process.platform !== "linux") throw new Error("A base image from the host's Node.js needs a Linux host; pass --base IMAGE (e.g. node:20-bookworm-slim) instead.");
  const shell = ["/bin/dash", "/bin/sh", "/bin/bash"].find((p) => existsSync(p));
  const env = ["/usr/bin/env", "/bin/env"].find((p) => existsSync(p));
  if (!shell || !env) throw new Error("The host lacks /bin/sh or /usr/bin/env, which the base image copies.");
  const binaries: [string, string][] = [
    [realpathSync(nodePath), "/usr/bin/node"],
    [realpathSync(shell), "/bin/sh"],
    [realpathSync(env), "/usr/bin/env"],
  ];
  const libraries = new Set<string>();
  for (const [host] of binaries) for (const lib of sharedLibraries(host)) libraries.add(lib);

  const tar = new TarWriter();
  for (const d of ["bin", "usr/bin", "usr/local/bin", "etc", "root", "var/tmp"]) tar.dir(d);
  tar.dir("tmp", 0o1777);
  tar.dir(IMAGE_USER.home, 0o755, IMAGE_USER.uid, IMAGE_USER.gid);
  for (const [host, archive] of binaries) tar.hostFile(host, archive);
  for (const lib of [...libraries].sort()) tar.hostFile(lib, lib);
  tar.file("etc/passwd", `root:x:0:0:root:/root:/bin/sh\n${IMAGE_USER.name}:x:${IMAGE_USER.uid}:${IMAGE_USER.gid}::${IMAGE_USER.home}:/bin/sh\n`);
  tar.file("etc/group", `root:x:0:\n${IMAGE_USER.name}:x:${IMAGE_USER.gid}:\n`);
  tar.file("etc/nsswitch.conf", "passwd: files\ngroup: files\nhosts: files dns\n");
  const certs = "/etc/ssl/certs/ca-certificates.crt";
  if (existsSync(certs)) tar.hostFile(certs, certs);
  tar.finish();
  return tar;
}

/** The shared libraries a binary loads, including the dynamic loader, as absolute host paths. */
function sharedLibraries(binary: string): string[] {
  let out: string;
  try {
    out = execFileSync("ldd", [binary], { encoding: "utf8" });
  } catch (err) {
    throw new Error(`Cannot list the shared libraries of ${binary} with ldd (${(err as Error).message.split("\n")[0]}); pass --base IMAGE instead.`);
  }
  const libs: string[] = [];
  for (const line of out.split("\n")) {
    const m = /=>\s+(\/\S+)/.exec(line) ?? /^\s*(\/\S+)\s+\(/.exec(line);
    if (m) libs.push(m[1]);
  }
  return libs;
}
