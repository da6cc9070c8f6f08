import { Type, type Static, type TSchema, type TUnsafe } from "@sinclair/typebox";

/**
 * `T | null`, as Prefect's optional fields are. A schema with a single `type` becomes
 * `type: [type, "null"]` rather than `anyOf`: the same JSON Schema meaning, but Fastify's
 * serializer handles type lists inline, while for `anyOf` it runs a full validation of the value
 * against each branch before writing it (the larger part of a response's cost for a flow run).
 */
export const Nullable = <T extends TSchema>(schema: T): TUnsafe<Static<T> | null> => {
  const type = (schema as { type?: unknown }).type;
  if (typeof type === "string" && (schema as { anyOf?: unknown }).anyOf === undefined) {
    return Type.Unsafe<Static<T> | null>({ ...schema, type: [type, "null"] });
  }
  return Type.Unsafe<Static<T> | null>(Type.Union([schema, Type.Null()]));
};

export const Uuid = Type.String({ format: "uuid" });
export const DateTime = Type.String({ format: "date-time" });
/** A free-form JSON object (parameters, context, job variables). */
export const JsonObject = Type.Record(Type.String(), Type.Unknown());
export const Tags = Type.Array(Type.String());
/** Prefect labels: string keys with string, number or boolean values. */
export const Labels = Type.Record(Type.String(), Type.Union([Type.String(), Type.Number(), Type.Boolean()]));

export const IdParams = Type.Object({ id: Uuid });

/** A Prefect-style error body: `{"detail": "..."}`. */
export const ErrorDetail = Type.Object({ detail: Type.Unknown() }, { additionalProperties: true });

export const CreatedBy = Type.Object({
  id: Nullable(Uuid),
  type: Nullable(Type.String()),
  display_value: Nullable(Type.String()),
});
