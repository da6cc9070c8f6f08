import { Type, type TSchema } from "@sinclair/typebox";

/** `T | null`, as Prefect's optional fields are. */
export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

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
