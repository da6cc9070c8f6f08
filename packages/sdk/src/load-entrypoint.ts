import { existsSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { buildTypeScriptEntrypoint } from "./build-typescript-entrypoint.js";
import { EntrypointError } from "./errors.js";
import { flowDefinitionOf, type FlowDefinition } from "./flow.js";

const TYPESCRIPT = /\.(ts|mts|cts|tsx)$/;

/** Splits `path/file.ts:exportName` (the export defaults to the module's default export). */
export function parseEntrypoint(entrypoint: string): { file: string; exportName: string } {
  const at = entrypoint.lastIndexOf(":");
  // A colon at index 1 is a Windows drive letter, not an export separator.
  if (at > 1) return { file: entrypoint.slice(0, at), exportName: entrypoint.slice(at + 1) || "default" };
  return { file: entrypoint, exportName: "default" };
}

/**
 * Imports a deployment's entrypoint and returns its flow. TypeScript files are built to plain
 * JavaScript once (build-typescript-entrypoint.ts) and imported from there; tsx's loader is the
 * fallback where that build cannot run (no esbuild binary, read-only folder).
 */
export async function loadFlowFromEntrypoint(entrypoint: string, baseDir: string): Promise<FlowDefinition> {
  const { file, exportName } = parseEntrypoint(entrypoint);
  const path = isAbsolute(file) ? file : resolve(baseDir, file);
  if (!existsSync(path)) {
    throw new EntrypointError(`Entrypoint file ${file} not found (looked for ${path}; relative paths start at the deployment's path or the working directory).`);
  }
  let mod: Record<string, unknown>;
  try {
    if (TYPESCRIPT.test(path)) {
      const built = await buildTypeScriptEntrypoint(path);
      if (built) {
        // The build has an inline source map: stack traces then name the .ts file and line.
        process.setSourceMapsEnabled(true);
        mod = (await import(pathToFileURL(built).href)) as Record<string, unknown>;
      } else {
        const { tsImport } = await import("tsx/esm/api");
        mod = (await tsImport(pathToFileURL(path).href, import.meta.url)) as Record<string, unknown>;
      }
    } else {
      mod = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
    }
  } catch (cause) {
    const detail = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
    throw new EntrypointError(`Could not load entrypoint ${entrypoint}: ${detail}`, { cause });
  }
  const definition = flowDefinitionOf(mod[exportName]);
  if (definition) return definition;
  const flows = Object.keys(mod).filter((k) => flowDefinitionOf(mod[k]));
  const known = flows.length ? `its flows: ${flows.join(", ")}` : "it exports no flow (wrap a function with flow() and export it)";
  throw new EntrypointError(`Entrypoint ${entrypoint}: ${exportName in mod ? `export '${exportName}' is not a flow` : `no export named '${exportName}'`}; ${known}.`);
}
