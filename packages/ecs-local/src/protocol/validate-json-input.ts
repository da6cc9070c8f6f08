import type { NormalizedSchema } from "@smithy/core/schema";
import { AwsError } from "../errors.js";
import { requiredMemberCount } from "./sdk-operation-schemas.js";

export interface InputErrorCodes {
  /** Code for a required member that is absent or null (AWS's "Member must not be null"). */
  missing: string;
  /** Code for a value of the wrong JSON type (AWS's JSON front end answers SerializationException). */
  wrongType: string;
}

/**
 * Walks a decoded JSON input along the operation's input schema and throws the error AWS answers
 * for the first problem: a required member missing, or a value of the wrong type. Returns a copy
 * without unknown members (AWS's JSON services ignore them), so handlers see only what the model has.
 */
export function validateJsonInput(schema: NormalizedSchema, value: unknown, codes: InputErrorCodes): Record<string, unknown> {
  return visit(schema, value, "", codes) as Record<string, unknown>;
}

const typeName = (v: unknown): string => (v === null ? "null" : Array.isArray(v) ? "an array" : typeof v === "object" ? "an object" : `a ${typeof v}`);

function wrongType(path: string, expected: string, got: unknown, codes: InputErrorCodes): never {
  throw new AwsError(codes.wrongType, `Expected ${expected} at '${path || "(body)"}' but found ${typeName(got)}.`);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function visit(schema: NormalizedSchema, value: unknown, path: string, codes: InputErrorCodes): unknown {
  if (schema.isDocumentSchema()) return value;
  if (schema.isStructSchema()) {
    if (!isPlainObject(value)) wrongType(path, "a structure", value, codes);
    const required = requiredMemberCount(schema);
    let index = 0;
    let setMembers = 0;
    const out: Record<string, unknown> = {};
    for (const [name, member] of schema.structIterator()) {
      const v = value[name];
      const memberPath = path ? `${path}.${name}` : name;
      if (v === undefined || v === null) {
        if (index < required) {
          throw new AwsError(codes.missing, `1 validation error detected: Value null at '${memberPath}' failed to satisfy constraint: Member must not be null`);
        }
      } else {
        setMembers++;
        out[name] = visit(member, v, memberPath, codes);
      }
      index++;
    }
    if (schema.isUnionSchema() && setMembers !== 1) wrongType(path, "exactly one member of a union", value, codes);
    return out;
  }
  if (schema.isListSchema()) {
    if (!Array.isArray(value)) wrongType(path, "a list", value, codes);
    const item = schema.getValueSchema();
    return value.map((v, i) => {
      if (v === null || v === undefined) wrongType(`${path}[${i}]`, "a value", v, codes);
      return visit(item, v, `${path}[${i}]`, codes);
    });
  }
  if (schema.isMapSchema()) {
    if (!isPlainObject(value)) wrongType(path, "a map", value, codes);
    const item = schema.getValueSchema();
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, visit(item, v, `${path}.${k}`, codes)]));
  }
  if (schema.isStringSchema()) {
    if (typeof value !== "string") wrongType(path, "a string", value, codes);
    return value;
  }
  if (schema.isBooleanSchema()) {
    if (typeof value !== "boolean") wrongType(path, "a boolean", value, codes);
    return value;
  }
  if (schema.isNumericSchema() || schema.isBigIntegerSchema() || schema.isBigDecimalSchema()) {
    if (typeof value !== "number" || !Number.isFinite(value)) wrongType(path, "a number", value, codes);
    return value;
  }
  if (schema.isTimestampSchema()) {
    // JSON protocols send epoch seconds; AWS also accepts an ISO-8601 string.
    if (typeof value === "number" && Number.isFinite(value)) return value;
    if (typeof value === "string" && !Number.isNaN(Date.parse(value))) return Date.parse(value) / 1000;
    wrongType(path, "a timestamp", value, codes);
  }
  if (schema.isBlobSchema()) {
    if (typeof value !== "string" || !/^[A-Za-z0-9+/]*={0,2}$/.test(value)) wrongType(path, "base64-encoded binary", value, codes);
    return value;
  }
  return value;
}
