import type { BlockType, BlockTypeCreate, BlockTypeFilter, BlockTypeUpdate, ReadBlockTypesBody } from "@ecsflow/schemas";
import type { BlockTypeTable, Database } from "../../database/index.js";
import { ConflictError, ForbiddenError, ObjectNotFoundError } from "../../errors.js";
import { newId } from "../../ids.js";
import { nowTimestamp } from "../../timestamps.js";
import { isUniqueViolation } from "../shared/constraint-errors.js";
import { resolveLimit } from "../filters/resolve-limit.js";
import { toBool } from "../shared/json-columns.js";

export function blockTypeFromRow(row: BlockTypeTable): BlockType {
  return {
    id: row.id,
    created: row.created,
    updated: row.updated,
    name: row.name,
    slug: row.slug,
    logo_url: row.logo_url,
    documentation_url: row.documentation_url,
    description: row.description,
    code_example: row.code_example,
    is_protected: toBool(row.is_protected),
  };
}

/** Prefect escapes `<`, `>` and `&` in these two texts, as the UI renders them as Markdown. */
function escapeHtml(text: string | null | undefined): string | null {
  return text == null ? null : text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

export async function createBlockType(database: Database, input: BlockTypeCreate): Promise<BlockType> {
  // Names beginning with "Prefect" are reserved for the system's own block types.
  if (input.name.toLowerCase().startsWith("prefect")) throw new ForbiddenError("Block type names beginning with 'Prefect' are reserved.");
  const now = nowTimestamp();
  const row: BlockTypeTable = {
    id: newId(),
    created: now,
    updated: now,
    name: input.name,
    slug: input.slug,
    logo_url: input.logo_url ?? null,
    documentation_url: input.documentation_url ?? null,
    description: escapeHtml(input.description),
    code_example: escapeHtml(input.code_example),
    is_protected: 0,
  };
  try {
    await database.db.insertInto("block_type").values(row).execute();
  } catch (error) {
    if (isUniqueViolation(error)) throw new ConflictError(`Block type with name "${input.name}" already exists`);
    throw error;
  }
  return blockTypeFromRow(row);
}

export async function readBlockType(database: Database, id: string): Promise<BlockType | undefined> {
  const row = await database.db.selectFrom("block_type").selectAll().where("id", "=", id).executeTakeFirst();
  return row && blockTypeFromRow(row);
}

export async function readBlockTypeBySlug(database: Database, slug: string): Promise<BlockType | undefined> {
  const row = await database.db.selectFrom("block_type").selectAll().where("slug", "=", slug).executeTakeFirst();
  return row && blockTypeFromRow(row);
}

/** The ids of the block types a filter selects, or undefined for no filter. */
export async function blockTypeIdsMatching(database: Database, filter: BlockTypeFilter | null | undefined): Promise<string[] | undefined> {
  if (!filter || (!filter.name?.like_ && !filter.slug?.any_)) return undefined;
  let query = database.db.selectFrom("block_type").select("id");
  if (filter.name?.like_) query = query.where((eb) => eb(eb.fn("lower", ["name"]), "like", `%${filter.name!.like_!.toLowerCase()}%`));
  if (filter.slug?.any_) query = filter.slug.any_.length === 0 ? query.where((eb) => eb.val(1), "=", 0) : query.where("slug", "in", filter.slug.any_);
  return (await query.execute()).map((r) => r.id);
}

export async function readBlockTypes(database: Database, body: ReadBlockTypesBody, schemaTypeIds: string[] | undefined): Promise<BlockType[]> {
  const ids = await blockTypeIdsMatching(database, body.block_types);
  let query = database.db.selectFrom("block_type").selectAll().orderBy("name").limit(resolveLimit(body.limit)).offset(body.offset ?? 0);
  for (const set of [ids, schemaTypeIds]) if (set) query = set.length === 0 ? query.where((eb) => eb.val(1), "=", 0) : query.where("id", "in", set);
  return (await query.execute()).map(blockTypeFromRow);
}

/** Updates only the fields given; a protected type cannot be changed. */
export async function updateBlockType(database: Database, id: string, input: BlockTypeUpdate): Promise<void> {
  const current = await readBlockType(database, id);
  if (!current) throw new ObjectNotFoundError("Block type not found");
  const set: Partial<BlockTypeTable> = {};
  if (input.logo_url !== undefined) set.logo_url = input.logo_url;
  if (input.documentation_url !== undefined) set.documentation_url = input.documentation_url;
  if (input.description !== undefined) set.description = escapeHtml(input.description);
  if (input.code_example !== undefined) set.code_example = escapeHtml(input.code_example);
  if (Object.keys(set).length === 0) return;
  await database.db.updateTable("block_type").set({ ...set, updated: nowTimestamp() }).where("id", "=", id).execute();
}

export async function deleteBlockType(database: Database, id: string): Promise<void> {
  const current = await readBlockType(database, id);
  if (!current) throw new ObjectNotFoundError("Block type not found");
  if (current.is_protected) throw new ForbiddenError("protected block types cannot be deleted.");
  await database.db.deleteFrom("block_type").where("id", "=", id).execute();
}
