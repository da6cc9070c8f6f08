#!/usr/bin/env node
// `npm run compat-table [-- --check] [-- --openapi FILE]`: writes README.md's Prefect API
// compatibility table (between <!-- compat-table --> and <!-- /compat-table -->) from the server's
// route table and Prefect's OpenAPI file (shared/reference/prefect-rest-api.openapi.json, found as
// the tests find it, or --openapi). --check writes nothing and exits 1 when README.md is stale.
import { readFileSync, writeFileSync } from "node:fs";
import { tsImport } from "tsx/esm/api";

const args = process.argv.slice(2);
const check = args.includes("--check");
const at = args.indexOf("--openapi");
const { referenceFile } = await tsImport("../test/support/reference-file.ts", import.meta.url);
const openApiFile = at >= 0 ? args[at + 1] : referenceFile("prefect-rest-api.openapi.json");
if (!openApiFile) {
  console.error("Prefect's OpenAPI file (shared/reference/prefect-rest-api.openapi.json) was not found; pass --openapi FILE.");
  process.exit(2);
}

const { renderCompatTable, serverRouteTable, spliceCompatTable } = await tsImport("./prefect-compat-table.ts", import.meta.url);
const table = renderCompatTable(JSON.parse(readFileSync(openApiFile, "utf8")), await serverRouteTable());
const readmeFile = new URL("../README.md", import.meta.url);
const readme = readFileSync(readmeFile, "utf8");
const updated = spliceCompatTable(readme, table);
console.log(table.split("\n")[0]);
if (check) {
  if (updated !== readme) {
    console.error("README.md's compatibility table is out of date: run npm run compat-table.");
    process.exit(1);
  }
} else if (updated !== readme) {
  writeFileSync(readmeFile, updated);
  console.log("README.md updated.");
} else {
  console.log("README.md already up to date.");
}
