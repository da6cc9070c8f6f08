import type { Engine } from "../engine.js";

/** The few column types that differ between the engines; see types.ts for why JSON and booleans are TEXT/INTEGER. */
export function columnTypes(engine: Engine) {
  return {
    text: "text",
    integer: "integer",
    float: engine === "postgresql" ? "double precision" : "real",
  } as const;
}
