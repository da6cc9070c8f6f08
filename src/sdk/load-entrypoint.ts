import { existsSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import { pathToFileURL } from "node:url";
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
 * Imports a deployment's entrypoint and returns its flow. TypeScript files go through tsx's
 * loader (only loaded when needed, so JavaScript entrypoints start faster).
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
      const { tsImport } = await import("tsx/esm/api");
      mod = (await tsImport(pathToFileURL(path).href, import.meta.url)) as Record<string, unknown>;
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
