import { Type, type Static } from "@sinclair/typebox";
import { DateTime, Labels, Nullable, Tags, Uuid } from "./common.js";

/** Prefect forbids these characters in flow names because names appear in URL paths. */
export const FlowNameSchema = Type.String({ minLength: 1, pattern: "^[^/%&><]+$" });

/** A flow as the API returns it (Prefect's `Flow`). */
export const FlowSchema = Type.Object({
  id: Uuid,
  created: DateTime,
  updated: DateTime,
  name: Type.String(),
  tags: Tags,
  labels: Labels,
});
export type Flow = Static<typeof FlowSchema>;

/** `POST /flows/` (Prefect's `FlowCreate`). */
export const FlowCreateSchema = Type.Object(
  {
    name: FlowNameSchema,
    tags: Type.Optional(Tags),
    labels: Type.Optional(Nullable(Labels)),
  },
  { additionalProperties: false },
);
export type FlowCreate = Static<typeof FlowCreateSchema>;

/** `PATCH /flows/{id}` (Prefect's `FlowUpdate`). */
export const FlowUpdateSchema = Type.Object({ tags: Type.Optional(Tags) }, { additionalProperties: false });
export type FlowUpdate = Static<typeof FlowUpdateSchema>;
