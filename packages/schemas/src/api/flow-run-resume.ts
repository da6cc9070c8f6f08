import { Type, type Static } from "@sinclair/typebox";
import { Nullable } from "./common.js";

/** `POST /flow_runs/{id}/resume`. */
export const ResumeFlowRunBodySchema = Type.Object({ run_input: Type.Optional(Nullable(Type.Record(Type.String(), Type.Unknown()))) }, { additionalProperties: false });
export type ResumeFlowRunBody = Static<typeof ResumeFlowRunBodySchema>;
