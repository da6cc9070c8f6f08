import type { Kysely, Transaction } from "kysely";
import { MAX_ARTIFACT_METADATA_VALUE_LENGTH } from "@ecsflow/schemas";
import type {
  Artifact,
  ArtifactCollection,
  ArtifactCreate,
  ArtifactUpdate,
  CountArtifactsBody,
  CountLatestArtifactsBody,
  ReadArtifactsBody,
  ReadLatestArtifactsBody,
} from "@ecsflow/schemas";
import type { ArtifactCollectionTable, ArtifactTable, Database, DB } from "../../database/index.js";
import { ObjectNotFoundError } from "../../errors.js";
import { newId } from "../../ids.js";
import { toTimestamp } from "../../timestamps.js";
import { artifactOrder, artifactsMatching } from "./artifact-filter.js";
import { resolveLimit } from "../filters/resolve-limit.js";
import { parseJson } from "../shared/json-columns.js";

const notFound = () => new ObjectNotFoundError("Artifact not found.");

const jsonOrNull = (value: unknown): string | null => (value === null || value === undefined ? null : JSON.stringify(value));

/** Prefect keeps metadata values short: longer ones are cut to 500 characters and marked with "...". */
function shortenedMetadata(metadata: Record<string, string> | null | undefined): string | null {
  if (metadata === null || metadata === undefined) return null;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(metadata)) out[k] = v.length > MAX_ARTIFACT_METADATA_VALUE_LENGTH ? `${v.slice(0, MAX_ARTIFACT_METADATA_VALUE_LENGTH)}...` : v;
  return JSON.stringify(out);
}

function artifactFromRow(row: ArtifactTable): Artifact {
  return {
    id: row.id,
    created: row.created,
    updated: row.updated,
    key: row.key,
    type: row.type,
    description: row.description,
    data: parseJson(row.data, null),
    metadata_: parseJson(row.metadata_, null),
    flow_run_id: row.flow_run_id,
    task_run_id: row.task_run_id,
  };
}

function collectionFromRow(row: ArtifactCollectionTable): ArtifactCollection {
  return { ...artifactFromRow(row), key: row.key, latest_id: row.latest_id };
}

/** The columns a key's collection row copies from its newest artifact. */
function copiedColumns(a: ArtifactTable) {
  return { latest_id: a.id, type: a.type, description: a.description, data: a.data, metadata_: a.metadata_, flow_run_id: a.flow_run_id, task_run_id: a.task_run_id };
}

/** `POST /artifacts/`: a new version; with a key it becomes that key's latest (one upsert, safe under concurrent creators). */
export async function createArtifact(database: Database, input: ArtifactCreate, now: number = Date.now()): Promise<Artifact> {
  const ts = toTimestamp(now);
  const row: ArtifactTable = {
    id: newId(now),
    created: ts,
    updated: ts,
    key: input.key ?? null,
    type: input.type ?? null,
    description: input.description ?? null,
    data: jsonOrNull(input.data),
    metadata_: shortenedMetadata(input.metadata_),
    flow_run_id: input.flow_run_id ?? null,
    task_run_id: input.task_run_id ?? null,
  };
  await database.db.transaction().execute(async (trx) => {
    await trx.insertInto("artifact").values(row).execute();
    if (row.key === null) return;
    await trx
      .insertInto("artifact_collection")
      .values({ id: newId(now), created: ts, updated: ts, key: row.key, ...copiedColumns(row) })
      .onConflict((oc) => oc.column("key").doUpdateSet({ ...copiedColumns(row), updated: ts }))
      .execute();
  });
  return artifactFromRow(row);
}

export async function readArtifact(database: Database, id: string): Promise<Artifact> {
  const row = await database.db.selectFrom("artifact").selectAll().where("id", "=", id).executeTakeFirst();
  if (!row) throw notFound();
  return artifactFromRow(row);
}

/** `GET /artifacts/{key}/latest`: the key's newest version. */
export async function readLatestArtifact(database: Database, key: string): Promise<Artifact> {
  const row = await database.db
    .selectFrom("artifact_collection")
    .innerJoin("artifact", "artifact.id", "artifact_collection.latest_id")
    .selectAll("artifact")
    .where("artifact_collection.key", "=", key)
    .executeTakeFirst();
  if (!row) throw notFound();
  return artifactFromRow(row);
}

export async function readArtifacts(database: Database, body: ReadArtifactsBody): Promise<Artifact[]> {
  let query = database.db
    .selectFrom("artifact")
    .selectAll()
    .where(artifactsMatching(database.engine, "artifact", body.artifacts, body))
    .limit(resolveLimit(body.limit))
    .offset(body.offset ?? 0);
  for (const term of artifactOrder("artifact", body.sort)) query = query.orderBy(term);
  return (await query.execute()).map(artifactFromRow);
}

export async function countArtifacts(database: Database, body: CountArtifactsBody): Promise<number> {
  const row = await database.db
    .selectFrom("artifact")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where(artifactsMatching(database.engine, "artifact", body.artifacts, body))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function readLatestArtifacts(database: Database, body: ReadLatestArtifactsBody): Promise<ArtifactCollection[]> {
  let query = database.db
    .selectFrom("artifact_collection")
    .selectAll()
    .where(artifactsMatching(database.engine, "artifact_collection", body.artifacts, body))
    .limit(resolveLimit(body.limit))
    .offset(body.offset ?? 0);
  for (const term of artifactOrder("artifact_collection", body.sort)) query = query.orderBy(term);
  return (await query.execute()).map(collectionFromRow);
}

export async function countLatestArtifacts(database: Database, body: CountLatestArtifactsBody): Promise<number> {
  const row = await database.db
    .selectFrom("artifact_collection")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where(artifactsMatching(database.engine, "artifact_collection", body.artifacts, body))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Changes the keys sent (a null clears), on the artifact and, when it is its key's latest, on the key's copy. */
export async function updateArtifact(database: Database, id: string, patch: ArtifactUpdate, now: number = Date.now()): Promise<void> {
  const set: Partial<Pick<ArtifactTable, "updated" | "data" | "description" | "metadata_">> = { updated: toTimestamp(now) };
  if ("data" in patch) set.data = jsonOrNull(patch.data);
  if (patch.description !== undefined) set.description = patch.description;
  if (patch.metadata_ !== undefined) set.metadata_ = shortenedMetadata(patch.metadata_);
  await database.db.transaction().execute(async (trx) => {
    const result = await trx.updateTable("artifact").set(set).where("id", "=", id).executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) throw notFound();
    await trx.updateTable("artifact_collection").set(set).where("latest_id", "=", id).execute();
  });
}

async function newestOfKey(trx: Kysely<DB> | Transaction<DB>, key: string): Promise<ArtifactTable | undefined> {
  return trx.selectFrom("artifact").selectAll().where("key", "=", key).orderBy("id", "desc").limit(1).executeTakeFirst();
}

/** Deletes a version; when it was its key's latest, the next newest takes over, or the key goes with its last version. */
export async function deleteArtifact(database: Database, id: string): Promise<void> {
  await database.db.transaction().execute(async (trx) => {
    const row = await trx.deleteFrom("artifact").where("id", "=", id).returningAll().executeTakeFirst();
    if (!row) throw notFound();
    if (row.key === null) return;
    const next = await newestOfKey(trx, row.key);
    if (next) {
      await trx
        .updateTable("artifact_collection")
        .set({ ...copiedColumns(next), updated: next.updated })
        .where("key", "=", row.key)
        .where("latest_id", "=", id)
        .execute();
    } else {
      await trx.deleteFrom("artifact_collection").where("key", "=", row.key).execute();
    }
  });
}
