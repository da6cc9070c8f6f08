import type { State } from "@ecsflow/schemas";
import type { Database, StateTable } from "../../database/index.js";
import { parseJson } from "../shared/json-columns.js";

export type StateHistoryTable = "flow_run_state" | "task_run_state";

function stateFromRow(row: StateTable): State {
  return {
    id: row.id,
    type: row.type as State["type"],
    name: row.name,
    timestamp: row.timestamp,
    message: row.message,
    data: parseJson(row.data, null),
    state_details: parseJson(row.state_details, {}),
  };
}

/** A run's states, oldest first (timestamps are strictly increasing per run; the id breaks any tie). */
export async function readRunStates(database: Database, table: StateHistoryTable, runId: string): Promise<State[]> {
  const rows = await database.db.selectFrom(table).selectAll().where("run_id", "=", runId).orderBy("timestamp").orderBy("id").execute();
  return rows.map(stateFromRow);
}

export async function readRunState(database: Database, table: StateHistoryTable, id: string): Promise<State | undefined> {
  const row = await database.db.selectFrom(table).selectAll().where("id", "=", id).executeTakeFirst();
  return row && stateFromRow(row);
}
