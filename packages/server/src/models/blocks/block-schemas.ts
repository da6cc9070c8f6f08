import { DEFAULT_BLOCK_SCHEMA_VERSION, type BlockSchema, type BlockSchemaCreate, type BlockSchemaFilter, type BlockType } from "@ecsflow/schemas";
import type { BlockSchemaTable, Database } from "../../database/index.js";
import { ForbiddenError, ObjectNotFoundError } from "../../errors.js";
import { newId } from "../../ids.js";
import { nowTimestamp } from "../../timestamps.js";
import { blockSchemaChecksum } from "./block-schema-checksum.js";
import { readBlockType } from "./block-types.js";
import { isUniqueViolation } from "../shared/constraint-errors.js";
import { resolveLimit } from "../filters/resolve-limit.js";
import { parseJson, toJson } from "../shared/json-columns.js";

export function blockSchemaFromRow(row: BlockSchemaTable, blockType: BlockType): BlockSchema {
  return {
    id: row.id,
    created: row.created,
    updated: row.updated,
    checksum: row.checksum,
    fields: parseJson(row.fields, {}),
    block_type_id: row.block_type_id,
    block_type: blockType,
    capabilities: parseJson(row.capabilities, []),
    version: row.version,
  };
}

async function withTypes(database: Database, rows: BlockSchemaTable[]): Promise<BlockSchema[]> {
  const out: BlockSchema[] = [];
  const types = new Map<string, BlockType>();
  for (const row of rows) {
    let type = types.get(row.block_type_id);
    if (!type) {
      type = (await readBlockType(database, row.block_type_id))!;
      types.set(row.block_type_id, type);
    }
    out.push(blockSchemaFromRow(row, type));
  }
  return out;
}

/**
 * Registers a schema, or returns the one already stored with the same checksum and version
 * (Prefect's clients register their schemas at every start).
 */
export async function createBlockSchema(database: Database, input: BlockSchemaCreate): Promise<{ schema: BlockSchema; created: boolean }> {
  const blockType = await readBlockType(database, input.block_type_id);
  if (!blockType) throw new ObjectNotFoundError(`Block type ${input.block_type_id} not found.`);
  const fields = input.fields ?? {};
  const checksum = blockSchemaChecksum(fields);
  const version = input.version ?? DEFAULT_BLOCK_SCHEMA_VERSION;
  const existing = await readBlockSchemaByChecksum(database, checksum, version);
  if (existing) return { schema: existing, created: false };
  const now = nowTimestamp();
  const row: BlockSchemaTable = {
    id: newId(),
    created: now,
    updated: now,
    checksum,
    fields: toJson(fields),
    block_type_id: blockType.id,
    capabilities: toJson(input.capabilities ?? []),
    version,
  };
  try {
    await database.db.insertInto("block_schema").values(row).execute();
  } catch (error) {
    // Another replica registered the same schema at the same moment: answer with its row.
    if (!isUniqueViolation(error)) throw error;
    return { schema: (await readBlockSchemaByChecksum(database, checksum, version))!, created: false };
  }
  return { schema: blockSchemaFromRow(row, blockType), created: true };
}

export async function readBlockSchema(database: Database, id: string): Promise<BlockSchema | undefined> {
  const row = await database.db.selectFrom("block_schema").selectAll().where("id", "=", id).executeTakeFirst();
  return row && (await withTypes(database, [row]))[0];
}

/** The newest schema with that checksum (of that version, when given). */
export async function readBlockSchemaByChecksum(database: Database, checksum: string, version?: string | null): Promise<BlockSchema | undefined> {
  let query = database.db.selectFrom("block_schema").selectAll().where("checksum", "=", checksum);
  if (version != null) query = query.where("version", "=", version);
  const row = await query.orderBy("created", "desc").orderBy("id", "desc").limit(1).executeTakeFirst();
  return row && (await withTypes(database, [row]))[0];
}

function filtered(database: Database, filter: BlockSchemaFilter | null | undefined) {
  return database.db.selectFrom("block_schema").where((eb) => {
    if (!filter) return eb.lit(true);
    const terms = [];
    const anyOf = (column: "block_type_id" | "id" | "version", values: string[] | null | undefined) => {
      if (values == null) return;
      terms.push(values.length === 0 ? eb.lit(false) : eb(column, "in", values));
    };
    anyOf("block_type_id", filter.block_type_id?.any_);
    anyOf("id", filter.id?.any_);
    anyOf("version", filter.version?.any_);
    // Capabilities are a JSON list of strings; each wanted one must appear as a quoted item.
    for (const capability of filter.block_capabilities?.all_ ?? []) terms.push(eb("capabilities", "like", `%${JSON.stringify(capability)}%`));
    if (terms.length === 0) return eb.lit(true);
    return filter.operator === "or_" ? eb.or(terms) : eb.and(terms);
  });
}

/** The ids of block types having a schema the filter selects (for the type and document filters). */
export async function blockTypeIdsWithSchemas(database: Database, filter: BlockSchemaFilter | null | undefined): Promise<string[] | undefined> {
  if (!filter) return undefined;
  return (await filtered(database, filter).select("block_type_id").distinct().execute()).map((r) => r.block_type_id);
}

export async function blockSchemaIdsMatching(database: Database, filter: BlockSchemaFilter | null | undefined): Promise<string[] | undefined> {
  if (!filter) return undefined;
  return (await filtered(database, filter).select("id").execute()).map((r) => r.id);
}

/** Newest first, as Prefect lists them. */
export async function readBlockSchemas(database: Database, body: { block_schemas?: BlockSchemaFilter | null; limit?: number | null; offset?: number }): Promise<BlockSchema[]> {
  const rows = await filtered(database, body.block_schemas)
    .selectAll()
    .orderBy("created", "desc")
    .orderBy("id", "desc")
    .limit(resolveLimit(body.limit))
    .offset(body.offset ?? 0)
    .execute();
  return withTypes(database, rows);
}

export async function deleteBlockSchema(database: Database, id: string): Promise<void> {
  const schema = await readBlockSchema(database, id);
  if (!schema) throw new ObjectNotFoundError("Block schema not found");
  if (schema.block_type.is_protected) throw new ForbiddenError("Block schemas for protected block types cannot be deleted.");
  await database.db.deleteFrom("block_schema").where("id", "=", id).execute();
}

/** Every capability any schema declares. */
export async function readBlockCapabilities(database: Database): Promise<string[]> {
  const rows = await database.db.selectFrom("block_schema").select("capabilities").distinct().execute();
  return [...new Set(rows.flatMap((r) => parseJson<string[]>(r.capabilities, [])))].sort();
}
