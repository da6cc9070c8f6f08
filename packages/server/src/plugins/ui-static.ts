import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, extname, join, relative, sep } from "node:path";
import { brotliCompressSync, gzipSync } from "node:zlib";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";

export interface UiStaticOptions {
  /** The built UI (`npm run build:ui` writes @ecsflow/ui's dist/). */
  directory?: string;
}

interface Asset {
  body: Buffer;
  gzip?: Buffer;
  brotli?: Buffer;
  type: string;
  etag: string;
  /** Vite names files under assets/ by content hash, so they never change under one name. */
  immutable: boolean;
}

// Found through the package, so the same from src/ (tests), dist/ and an installed node_modules.
const DEFAULT_DIRECTORY = join(dirname(createRequire(import.meta.url).resolve("@ecsflow/ui/package.json")), "dist");

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
  ".txt": "text/plain; charset=utf-8",
  ".map": "application/json",
};

/** The page may only load its own scripts and talk to its own server. */
const CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

const NOT_BUILT = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>ecsflow</title></head><body>
<h1>ecsflow</h1><p>The web UI is not built. Run <code>npm run build</code> (or <code>npm install</code>) and reload. The API is at <a href="/api/health">/api</a>.</p></body></html>`;

function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...listFiles(p));
    else out.push(p);
  }
  return out;
}

/** Reads and compresses the whole bundle once: it is a few hundred kB, and every request is then a map lookup. */
function loadAssets(directory: string): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  for (const file of listFiles(directory)) {
    const urlPath = "/" + relative(directory, file).split(sep).join("/");
    const body = readFileSync(file);
    const type = TYPES[extname(file)] ?? "application/octet-stream";
    const compressible = /^(text\/|application\/json|image\/svg)/.test(type) && body.length > 1024;
    assets.set(urlPath, {
      body,
      type,
      gzip: compressible ? gzipSync(body, { level: 9 }) : undefined,
      brotli: compressible ? brotliCompressSync(body) : undefined,
      etag: `"${statSync(file).mtimeMs.toString(36)}-${body.length.toString(36)}"`,
      immutable: urlPath.startsWith("/assets/"),
    });
  }
  return assets;
}

function send(request: FastifyRequest, reply: FastifyReply, asset: Asset) {
  reply
    .header("content-type", asset.type)
    .header("x-content-type-options", "nosniff")
    .header("vary", "accept-encoding")
    .header("etag", asset.etag)
    // index.html must be revalidated so a new build's hashed assets are picked up at once.
    .header("cache-control", asset.immutable ? "public, max-age=31536000, immutable" : "no-cache");
  if (asset.type.startsWith("text/html")) {
    reply.header("content-security-policy", CSP).header("referrer-policy", "no-referrer").header("x-frame-options", "DENY");
  }
  if (request.headers["if-none-match"] === asset.etag) return reply.code(304).send();
  const accepted = String(request.headers["accept-encoding"] ?? "");
  if (asset.brotli && /\bbr\b/.test(accepted)) return reply.header("content-encoding", "br").send(asset.brotli);
  if (asset.gzip && /\bgzip\b/.test(accepted)) return reply.header("content-encoding", "gzip").send(asset.gzip);
  return reply.send(asset.body);
}

/**
 * Serves the web UI at `/`: files of the built bundle, and index.html for any other GET outside
 * /api so that client-side routes (/runs/…) load on refresh. The API keeps its own 404s. Needs no
 * auth: the page holds no data, and asks for credentials when the API does.
 */
export async function uiStaticPlugin(app: FastifyInstance, options: UiStaticOptions) {
  const directory = options.directory ?? DEFAULT_DIRECTORY;
  let assets: Map<string, Asset> | undefined;
  // Loaded on first use, so a server started before `npm run build:ui` finished still picks it up.
  const current = () => {
    if (!assets && existsSync(join(directory, "index.html"))) assets = loadAssets(directory);
    return assets;
  };

  app.get("/*", async (request, reply) => {
    const path = request.url.split("?")[0];
    if (path === "/api" || path.startsWith("/api/")) return reply.callNotFound();
    const files = current();
    if (!files) return reply.code(503).header("content-type", "text/html; charset=utf-8").header("cache-control", "no-cache").send(NOT_BUILT);
    let decoded: string;
    try {
      decoded = decodeURIComponent(path);
    } catch {
      return reply.callNotFound();
    }
    const file = files.get(decoded);
    if (file) return send(request, reply, file);
    // A missing hashed asset is a stale page asking for an old build: a 404, not the app's HTML.
    if (decoded.startsWith("/assets/") || extname(decoded) !== "") return reply.code(404).header("content-type", "text/plain; charset=utf-8").send("Not found");
    return send(request, reply, files.get("/index.html")!);
  });
}
