import type { BlockDocument, BlockDocumentCreate, BlockDocumentUpdate, BlockSchema, CountBlockDocumentsBody, ReadBlockDocumentsBody } from "@ecsflow/schemas";
import type { BlockDocumentTable, Database } from "../../database/index.js";
import { BadRequestError, ConflictError, ObjectNotFoundError, ValidationFailedError } from "../../errors.js";
import { newId } from "../../ids.js";
import { nowTimestamp } from "../../timestamps.js";
import { keepObfuscatedSecrets, obfuscateSecrets } from "./block-secrets.js";
import { blockSchemaIdsMatching, readBlockSchema } from "./block-schemas.js";
import { blockTypeIdsMatching } from "./block-types.js";
import { isUniqueViolation } from "../shared/constraint-errors.js";
import { resolveLimit } from "../filters/resolve-limit.js";
import { fromBool, parseJson, toBool, toJson } from "../shared/json-columns.js";

type Data = Record<string, unknown>;

/**
 * Splits `{"$ref": {"block_document_id": …}}` values off the data: Prefect keeps a document's
 * references to other documents as rows, and puts the referenced data back in on every read.
 */
function separateReferences(data: Data): { own: Data; references: { name: string; id: string }[] } {
  const own: Data = {};
  const references: { name: string; id: string }[] = [];
  for (const [key, value] of Object.entries(data)) {
    if (value !== null && typeof value === "object" && !Array.isArray(value) && "$ref" in value) {
      const id = ((value as { $ref?: { block_document_id?: unknown } }).$ref ?? {}).block_document_id;
      if (typeof id !== "string") throw new ValidationFailedError("bad reference", [{ loc: ["body", "data", key, "$ref", "block_document_id"], msg: "A block reference needs a block_document_id" }]);
      references.push({ name: key, id });
    } else own[key] = value;
  }
  return { own, references };
}

async function checkReferences(database: Database, references: { name: string; id: string }[], selfId?: string) {
  for (const ref of references) {
    const exists = ref.id !== selfId && (await database.db.selectFrom("block_document").select("id").where("id", "=", ref.id).executeTakeFirst());
    if (!exists) throw new ValidationFailedError("bad reference", [{ loc: ["body", "data", ref.name, "$ref", "block_document_id"], msg: "Block document not found" }]);
  }
}

/** A stored document with its type, schema and referenced documents put back in (nested as deep as they go). */
async function hydrate(database: Database, row: BlockDocumentTable, includeSecrets: boolean, seen = new Set<string>()): Promise<BlockDocument> {
  const schema = (await readBlockSchema(database, row.block_schema_id)) as BlockSchema;
  const secretFields = Array.isArray(schema.fields.secret_fields) ? (schema.fields.secret_fields as string[]) : [];
  let data = parseJson<Data>(row.data, {});
  const references: Record<string, Data> = {};
  const refs = await database.db.selectFrom("block_document_reference").selectAll().where("parent_block_document_id", "=", row.id).orderBy("name").execute();
  seen.add(row.id);
  for (const ref of refs) {
    if (seen.has(ref.reference_block_document_id)) continue; // a cycle made by updates: stop at the second visit
    const childRow = await database.db.selectFrom("block_document").selectAll().where("id", "=", ref.reference_block_document_id).executeTakeFirst();
    if (!childRow) continue;
    const child = await hydrate(database, childRow, includeSecrets, new Set(seen));
    data[ref.name] = child.data;
    references[ref.name] = {
      block_document: { id: child.id, name: child.name, block_type: child.block_type, is_anonymous: child.is_anonymous, block_document_references: child.block_document_references },
    };
  }
  if (!includeSecrets) data = obfuscateSecrets(data, secretFields);
  return {
    id: row.id,
    created: row.created,
    updated: row.updated,
    name: row.name,
    data,
    block_schema_id: row.block_schema_id,
    block_schema: schema,
    block_type_id: row.block_type_id,
    block_type_name: schema.block_type.name,
    block_type: schema.block_type,
    block_document_references: references,
    is_anonymous: toBool(row.is_anonymous),
  };
}

export async function createBlockDocument(database: Database, input: BlockDocumentCreate): Promise<BlockDocument> {
  const anonymous = input.is_anonymous ?? false;
  if (!anonymous && !input.name) throw new ValidationFailedError("name required", [{ loc: ["body", "name"], msg: "Names must be provided for block documents." }]);
  const schema = await readBlockSchema(database, input.block_schema_id);
  if (!schema) throw new ValidationFailedError("unknown schema", [{ loc: ["body", "block_schema_id"], msg: "Block schema not found" }]);
  if (schema.block_type_id !== input.block_type_id) throw new ValidationFailedError("type mismatch", [{ loc: ["body", "block_type_id"], msg: "The block schema belongs to another block type" }]);
  const { own, references } = separateReferences(input.data ?? {});
  await checkReferences(database, references);
  const now = nowTimestamp();
  const row: BlockDocumentTable = {
    id: newId(),
    created: now,
    updated: now,
    name: input.name || `anonymous-${crypto.randomUUID()}`,
    data: toJson(own),
    is_anonymous: fromBool(anonymous),
    block_schema_id: schema.id,
    block_type_id: input.block_type_id,
  };
  try {
    await database.db.transaction().execute(async (trx) => {
      await trx.insertInto("block_document").values(row).execute();
      for (const ref of references) {
        await trx
          .insertInto("block_document_reference")
          .values({ id: newId(), created: now, updated: now, name: ref.name, parent_block_document_id: row.id, reference_block_document_id: ref.id })
          .execute();
      }
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new ConflictError("Block already exists");
    throw error;
  }
  return hydrate(database, row, false);
}

export async function readBlockDocument(database: Database, id: string, includeSecrets: boolean): Promise<BlockDocument | undefined> {
  const row = await database.db.selectFrom("block_document").selectAll().where("id", "=", id).executeTakeFirst();
  return row && hydrate(database, row, includeSecrets);
}

export async function readBlockDocumentByName(database: Database, slug: string, name: string, includeSecrets: boolean): Promise<BlockDocument | undefined> {
  const row = await database.db
    .selectFrom("block_document")
    .innerJoin("block_type", "block_type.id", "block_document.block_type_id")
    .selectAll("block_document")
    .where("block_type.slug", "=", slug)
    .where("block_document.name", "=", name)
    .executeTakeFirst();
  return row && hydrate(database, row, includeSecrets);
}

async function matchingQuery(database: Database, body: CountBlockDocumentsBody) {
  const filter = body.block_documents;
  const typeIds = await blockTypeIdsMatching(database, body.block_types);
  const schemaIds = await blockSchemaIdsMatching(database, body.block_schemas);
  // With no document filter at all, anonymous documents are left out (Prefect's default).
  const anonymous = filter === undefined || filter === null ? false : filter.is_anonymous === undefined ? false : (filter.is_anonymous?.eq_ ?? null);
  return database.db.selectFrom("block_document").where((eb) => {
    const terms = [];
    const inList = (column: "id" | "block_type_id" | "name" | "block_schema_id", values: string[] | null | undefined) => {
      if (values == null) return;
      terms.push(values.length === 0 ? eb.lit(false) : eb(column, "in", values));
    };
    inList("id", filter?.id?.any_);
    inList("block_type_id", filter?.block_type_id?.any_);
    inList("name", filter?.name?.any_);
    if (filter?.name?.like_) terms.push(eb("name", "like", filter.name.like_));
    if (anonymous !== null) terms.push(eb("is_anonymous", "=", fromBool(anonymous)));
    const combined = terms.length === 0 ? eb.lit(true) : filter?.operator === "or_" ? eb.or(terms) : eb.and(terms);
    const outer = [combined];
    if (typeIds) outer.push(typeIds.length === 0 ? eb.lit(false) : eb("block_type_id", "in", typeIds));
    if (schemaIds) outer.push(schemaIds.length === 0 ? eb.lit(false) : eb("block_schema_id", "in", schemaIds));
    return eb.and(outer);
  });
}

export async function readBlockDocuments(database: Database, body: ReadBlockDocumentsBody): Promise<BlockDocument[]> {
  let query = (await matchingQuery(database, body)).selectAll().limit(resolveLimit(body.limit)).offset(body.offset ?? 0);
  if (body.sort === "NAME_DESC") query = query.orderBy("name", "desc");
  else if (body.sort === "BLOCK_TYPE_AND_NAME_ASC") query = query.orderBy("block_type_id").orderBy("name");
  else query = query.orderBy("name");
  const rows = await query.execute();
  return Promise.all(rows.map((row) => hydrate(database, row, body.include_secrets ?? false)));
}

export async function countBlockDocuments(database: Database, body: CountBlockDocumentsBody): Promise<number> {
  const row = await (await matchingQuery(database, body)).select((eb) => eb.fn.countAll<number>().as("count")).executeTakeFirstOrThrow();
  return Number(row.count);
}

export async function deleteBlockDocument(database: Database, id: string): Promise<boolean> {
  const result = await database.db.deleteFrom("block_document").where("id", "=", id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/**
 * Prefect's update: with `merge_existing_data` (the default) the given keys are merged over the
 * stored data; without it the data is replaced (by `{}` when none is given). References are
 * replaced to match the new data; `********` for a secret keeps the stored value.
 */
export async function updateBlockDocument(database: Database, id: string, input: BlockDocumentUpdate): Promise<void> {
  const row = await database.db.selectFrom("block_document").selectAll().where("id", "=", id).executeTakeFirst();
  if (!row) throw new ObjectNotFoundError("Block document not found");
  const merge = input.merge_existing_data ?? true;
  let schemaId = row.block_schema_id;
  if (input.block_schema_id && input.block_schema_id !== row.block_schema_id) {
    const proposed = await readBlockSchema(database, input.block_schema_id);
    if (!proposed) throw new ValidationFailedError("unknown schema", [{ loc: ["body", "block_schema_id"], msg: "Block schema not found" }]);
    if (proposed.block_type_id !== row.block_type_id) throw new BadRequestError("Must migrate block document to a block schema of the same block type.");
    schemaId = proposed.id;
  }
  const dataGiven = input.data !== undefined || !merge;
  const now = nowTimestamp();
  if (!dataGiven) {
    await database.db.updateTable("block_document").set({ block_schema_id: schemaId, updated: now }).where("id", "=", id).execute();
    return;
  }
  const current = parseJson<Data>(row.data, {});
  const schema = (await readBlockSchema(database, row.block_schema_id))!;
  const secretFields = Array.isArray(schema.fields.secret_fields) ? (schema.fields.secret_fields as string[]) : [];
  const currentRefs = await database.db.selectFrom("block_document_reference").selectAll().where("parent_block_document_id", "=", id).execute();
  // With merging, the references not named again stay as they are.
  const proposed = keepObfuscatedSecrets(input.data ?? {}, current, secretFields);
  const { own, references } = separateReferences(proposed);
  await checkReferences(database, references, id);
  const data = merge ? { ...Object.fromEntries(Object.entries(current).filter(([k]) => !references.some((r) => r.name === k))), ...own } : own;
  const keptRefs = merge ? currentRefs.filter((r) => !(r.name in own) && !references.some((n) => n.name === r.name)) : [];
  await database.db.transaction().execute(async (trx) => {
    await trx.updateTable("block_document").set({ data: toJson(data), block_schema_id: schemaId, updated: now }).where("id", "=", id).execute();
    await trx.deleteFrom("block_document_reference").where("parent_block_document_id", "=", id).execute();
    for (const ref of [...keptRefs.map((r) => ({ name: r.name, id: r.reference_block_document_id })), ...references]) {
      await trx
        .insertInto("block_document_reference")
        .values({ id: newId(), created: now, updated: now, name: ref.name, parent_block_document_id: id, reference_block_document_id: ref.id })
        .execute();
    }
  });
}
