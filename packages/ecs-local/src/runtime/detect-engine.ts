import { existsSync } from "node:fs";
import { request } from "node:http";

/** Where a Docker Engine API listens: a unix socket, or a TCP address. */
export interface EngineAddress {
  socketPath?: string;
  host?: string;
  port?: number;
  protocol?: "http" | "https";
  /** As the user would write it, for logs and messages. */
  display: string;
}

/** `unix:///run/x.sock`, `/run/x.sock`, `tcp://127.0.0.1:2375` or `http(s)://…` (DOCKER_HOST's forms). */
export function parseEngineAddress(value: string): EngineAddress | undefined {
  const v = value.trim();
  if (v.startsWith("unix://")) return { socketPath: v.slice("unix://".length), display: v };
  if (v.startsWith("/")) return { socketPath: v, display: `unix://${v}` };
  const m = /^(tcp|http|https):\/\/([^:/]+|\[[^\]]+\])(?::(\d+))?\/?$/.exec(v);
  if (!m) return undefined;
  const protocol = m[1] === "https" ? "https" : "http";
  return { host: m[2].replace(/^\[|\]$/g, ""), port: m[3] ? Number(m[3]) : protocol === "https" ? 2376 : 2375, protocol, display: v };
}

/**
 * Where `auto` looks, in order: the given address (the CLI passes DOCKER_HOST), Docker's socket,
 * then Podman's rootless and rootful sockets.
 */
export function candidateEngineAddresses(explicit: string | undefined, uid: number | undefined): EngineAddress[] {
  const list: EngineAddress[] = [];
  const add = (a: EngineAddress | undefined) => {
    if (a && !list.some((x) => x.display === a.display)) list.push(a);
  };
  if (explicit) add(parseEngineAddress(explicit));
  add(parseEngineAddress("/var/run/docker.sock"));
  if (uid !== undefined && uid !== 0) add(parseEngineAddress(`/run/user/${uid}/podman/podman.sock`));
  add(parseEngineAddress("/run/podman/podman.sock"));
  return list;
}

/** Whether the Docker Engine API answers `GET /_ping` at this address within `timeoutMs`. */
export function engineAnswers(address: EngineAddress, timeoutMs = 2_000): Promise<boolean> {
  if (address.socketPath && !existsSync(address.socketPath)) return Promise.resolve(false);
  // TLS engines need client certificates this probe does not have; the client library finds out.
  if (address.protocol === "https") return Promise.resolve(true);
  return new Promise((resolve) => {
    const req = request(
      address.socketPath
        ? { socketPath: address.socketPath, path: "/_ping", method: "GET", timeout: timeoutMs }
        : { host: address.host, port: address.port, path: "/_ping", method: "GET", timeout: timeoutMs, protocol: "http:" },
      (res) => {
        res.resume();
        resolve((res.statusCode ?? 500) < 400);
      },
    );
    req.on("timeout", () => req.destroy());
    req.on("error", () => resolve(false));
    req.end();
  });
}

/** The first candidate whose engine answers, or undefined. */
export async function findEngine(candidates: EngineAddress[]): Promise<EngineAddress | undefined> {
  for (const c of candidates) if (await engineAnswers(c)) return c;
  return undefined;
}
