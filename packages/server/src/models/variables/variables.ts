import { sql } from "kysely";
import { MAX_VARIABLE_VALUE_LENGTH } from "@ecsflow/schemas";
import type { CountVariablesBody, ReadVariablesBody, Variable, VariableCreate, VariableFilter, VariableSort, VariableUpdate } from "@ecsflow/schemas";
import type { Database, Engine, VariableTable } from "../../database/index.js";
import { ConflictError, ObjectNotFoundError, ValidationFailedError } from "../../errors.js";
import { newId } from "../../ids.js";
import { toTimestamp } from "../../timestamps.js";
import { isUniqueViolation } from "../shared/constraint-errors.js";
import { combine, when } from "../filters/combine-criteria.js";
import { and, anyOf, jsonArrayContainsAll, jsonArrayIsEmpty, type Condition } from "../filters/filter-operators.js";
import { likeWithWildcards } from "../filters/like-pattern.js";
import { resolveLimit } from "../filters/resolve-limit.js";
import { parseJson, toJson } from "../shared/json-columns.js";

export const variableNotFound = () => new ObjectNotFoundError("Variable not found.");
const duplicateName = (name: string) => new ConflictError(`A variable with the name '${name}' already exists.`);

function variableFromRow(row: VariableTable): Variable {
  return { id: row.id, created: row.created, updated: row.updated, name: row.name, value: parseJson(row.value, null), tags: parseJson(row.tags, []) };
}

/** The value as stored: its JSON text, within Prefect's limit (422 on `value` past it). */
function storedValue(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  const text = JSON.stringify(value);
  if (text.length > MAX_VARIABLE_VALUE_LENGTH) {
    throw new ValidationFailedError("Variable value too long.", [
      { loc: ["body", "value"], msg: `Value error, Variable value must be less than ${MAX_VARIABLE_VALUE_LENGTH} characters`, type: "value_error" },
    ]);
  }
  return text;
}

function variableCondition(engine: Engine, f: VariableFilter | null | undefined): Condition {
  return when(f, (x) =>
    combine(x.operator, [
      when(x.id, (c) => and([anyOf("variable.id", c.any_)])),
      when(x.name, (c) => and([anyOf("variable.name", c.any_), likeWithWildcards(engine, "variable.name", c.like_)])),
      when(x.tags, (c) => combine(c.operator, [jsonArrayContainsAll(engine, "variable.tags", c.all_), jsonArrayIsEmpty("variable.tags", c.is_null_)])),
    ]),
  ) ?? and([]);
}

function variableOrder(sort: VariableSort | null | undefined) {
  switch (sort ?? "NAME_ASC") {
    case "CREATED_DESC":
      return [sql`variable.created desc`, sql`variable.id desc`];
    case "UPDATED_DESC":
      return [sql`variable.updated desc`, sql`variable.id desc`];
    case "NAME_DESC":
      return [sql`variable.name desc`];
    default:
      return [sql`variable.name asc`];
  }
}

/** `POST /variables/`: 409 when the name is taken (Prefect's answer). */
export async function createVariable(database: Database, input: VariableCreate, now: number = Date.now()): Promise<Variable> {
  const ts = toTimestamp(now);
  const row: VariableTable = { id: newId(now), created: ts, updated: ts, name: input.name, value: storedValue(input.value), tags: toJson(input.tags ?? []) };
  const inserted = await database.db
    .insertInto("variable")
    .values(row)
    .onConflict((oc) => oc.column("name").doNothing())
    .returning("id")
    .executeTakeFirst();
  if (!inserted) throw duplicateName(input.name);
  return variableFromRow(row);
}

export async function readVariable(database: Database, by: { id: string } | { name: string }): Promise<Variable> {
  const query = database.db.selectFrom("variable").selectAll();
  const row = await ("id" in by ? query.where("id", "=", by.id) : query.where("name", "=", by.name)).executeTakeFirst();
  if (!row) throw variableNotFound();
  return variableFromRow(row);
}

export async function readVariables(database: Database, body: ReadVariablesBody): Promise<Variable[]> {
  let query = database.db
    .selectFrom("variable")
    .selectAll()
    .where(variableCondition(database.engine, body.variables))
    .limit(resolveLimit(body.limit))
    .offset(body.offset ?? 0);
  for (const term of variableOrder(body.sort)) query = query.orderBy(term);
  return (await query.execute()).map(variableFromRow);
}

export async function countVariables(database: Database, body: CountVariablesBody): Promise<number> {
  const row = await database.db
    .selectFrom("variable")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where(variableCondition(database.engine, body.variables))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Changes the keys sent; a null `value` stores null, a null `name` or `tags` leaves them as they are. */
export async function updateVariable(database: Database, by: { id: string } | { name: string }, patch: VariableUpdate, now: number = Date.now()): Promise<void> {
  const set: Partial<VariableTable> = { updated: toTimestamp(now) };
  if (patch.name !== undefined && patch.name !== null) set.name = patch.name;
  if ("value" in patch) set.value = storedValue(patch.value);
  if (patch.tags !== undefined && patch.tags !== null) set.tags = toJson(patch.tags);
  const query = database.db.updateTable("variable").set(set);
  let result;
  try {
    result = await ("id" in by ? query.where("id", "=", by.id) : query.where("name", "=", by.name)).executeTakeFirst();
  } catch (error) {
    if (isUniqueViolation(error)) throw duplicateName(set.name as string);
    throw error;
  }
  if (Number(result.numUpdatedRows) === 0) throw variableNotFound();
}

export async function deleteVariable(database: Database, by: { id: string } | { name: string }): Promise<void> {
  const query = database.db.deleteFrom("variable");
  const result = await ("id" in by ? query.where("id", "=", by.id) : query.where("name", "=", by.name)).executeTakeFirst();
  if (Number(result.numDeletedRows) === 0) throw variableNotFound();
}
