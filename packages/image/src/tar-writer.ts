import { lstatSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { pack, type Pack } from "tar-stream";

/**
 * A tar archive built entry by entry, for an image's root filesystem or a build context. Entries
 * queue in memory until the engine reads them: fine for the runtime image's few hundred MB.
 */
export class TarWriter {
  readonly stream: Pack = pack();
  private readonly dirs = new Set<string>();
  bytes = 0;
  entries = 0;

  /** A directory, and its parents (tar readers create them anyway; explicit entries fix their modes). */
  dir(path: string, mode = 0o755, uid = 0, gid = 0): void {
    const clean = path.replace(/^\/+|\/+$/g, "");
    if (clean === "" || this.dirs.has(clean)) return;
    const parent = clean.includes("/") ? clean.slice(0, clean.lastIndexOf("/")) : "";
    if (parent) this.dir(parent);
    this.dirs.add(clean);
    this.entry({ name: `${clean}/`, type: "directory", mode, uid, gid });
  }

  file(path: string, content: Buffer | string, mode = 0o644, uid = 0, gid = 0): void {
    const clean = path.replace(/^\/+/, "");
    if (clean.includes("/")) this.dir(clean.slice(0, clean.lastIndexOf("/")));
    const body = typeof content === "string" ? Buffer.from(content) : content;
    this.bytes += body.length;
    this.entry({ name: clean, type: "file", mode, uid, gid, size: body.length }, body);
  }

  /** A host file under another name in the archive; symlinks are followed (the archive holds the bytes). */
  hostFile(hostPath: string, archivePath: string, uid = 0, gid = 0): void {
    const mode = statSync(hostPath).mode & 0o7777;
    this.file(archivePath, readFileSync(hostPath), mode, uid, gid);
  }

  /** A host folder's files, recursively; `skip` sees archive paths. Symlinks inside are kept as links. */
  hostTree(hostDir: string, archiveDir: string, skip: (archivePath: string) => boolean = () => false, uid = 0, gid = 0): void {
    this.dir(archiveDir, 0o755, uid, gid);
    for (const name of readdirSync(hostDir).sort()) {
      const host = join(hostDir, name);
      const archive = `${archiveDir.replace(/\/+$/, "")}/${name}`;
      if (skip(archive)) continue;
      const st = lstatSync(host);
      if (st.isDirectory()) this.hostTree(host, archive, skip, uid, gid);
      else if (st.isSymbolicLink()) this.hostFile(host, archive, uid, gid);
      else if (st.isFile()) this.file(archive, readFileSync(host), st.mode & 0o7777, uid, gid);
    }
  }

  /** Ends the archive: no entries after this. */
  finish(): void {
    this.stream.finalize();
  }

  private entry(header: Parameters<Pack["entry"]>[0], body?: Buffer): void {
    this.entries++;
    this.stream.entry(header, body);
  }
}
