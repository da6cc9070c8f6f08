// The one Ajv instance that checks work-pool variables schemas and job variables.
//
// Prefect validates with jsonschema's Draft 2020-12 validator (prefect.utilities.schema_tools),
// so we use Ajv's 2020 flavour. Templates written for Prefect carry keywords and formats that are
// not JSON Schema (`block_type_slug`, `secret_fields`, `"format": "password"`, `"json"`, `"path"`,
// `"file-path"`): `strict: false` ignores unknown keywords and unknown formats, as jsonschema does,
// while ajv-formats checks the standard formats (`uuid`, `date-time`, `uri`, …).

import { Ajv2020 } from "ajv/dist/2020.js";
import type { ErrorObject } from "ajv/dist/2020.js";
import addFormatsImport from "ajv-formats";

// ajv-formats is CommonJS; under NodeNext its default import is the module object in some
// toolchains and the function in others.
const addFormats = ((addFormatsImport as unknown as { default?: unknown }).default ?? addFormatsImport) as typeof addFormatsImport.default;

export type AjvErrorObject = ErrorObject;

export function createJsonSchemaAjv(): Ajv2020 {
  // logger: false keeps "unknown format ignored" warnings out of the worker's and server's logs.
  const ajv = new Ajv2020({ strict: false, allErrors: true, logger: false, validateFormats: true });
  addFormats(ajv);
  return ajv;
}

export const jsonSchemaAjv: Ajv2020 = createJsonSchemaAjv();
