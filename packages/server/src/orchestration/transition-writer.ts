import { sql, type Kysely, type Transaction } from "kysely";
import { countSlotsInUse } from "./deployment-concurrency-rule.js";
import type { Database, DB } from "../database/index.js";
import { QueryTemplateCache } from "../database/query-template.js";
import type { RunKind } from "./transition-context.js";
import type { TransitionSideEffect } from "./transition-context.js";

/** One decided transition: the compare-and-set update of the run and the history row to add if it wins. */
export interface TransitionWrite {
  kind: RunKind;
  runId: string;
  /** The state id the decision was made on; the write happens only if the run still has it. */
  expectedStateId: string | null;
  columns: Record<string, unknown>;
  historyRow: Record<string, unknown>;
  /**
   * The transition takes one of a deployment's concurrency slots: it is written only if, with it,
   * the deployment's slot-holding runs stay within `limit` (counted inside the write).
   */
  slotLimit?: { deploymentId: string; limit: number };
  /** Writes that commit with the transition or undo it (see TransitionSideEffect). */
  sideEffects?: readonly TransitionSideEffect[];
}

const isGuarded = (write: TransitionWrite) => write.slotLimit !== undefined || (write.sideEffects?.length ?? 0) > 0;

const HISTORY_TABLE = { flow_run: "flow_run_state", task_run: "task_run_state" } as const;

/** Raised inside a transaction to roll back a write that would exceed a limit or that a side effect refused. */
class SlotTaken extends Error {}

/**
 * A guarded write: the compare-and-set, then a count of the deployment's slot holders (this run
 * included) and the side effects; over the limit or refused by an effect, everything is rolled
 * back to the savepoint. On SQLite the update makes the transaction the only writer, so the
 * count cannot change under it; on PostgreSQL the caller locked the deployment row first, so
 * racing claims count one by one (side effects lock the rows they change themselves).
 */
async function writeOneWithSlot(trx: Transaction<any>, write: TransitionWrite, database: Database): Promise<boolean> {
  const slot = write.slotLimit;
  await sql`savepoint take_slot`.execute(trx);
  try {
    if (!(await writeOne(trx, { ...write, slotLimit: undefined, sideEffects: undefined }, database))) throw new SlotTaken();
    if (slot && (await countSlotsInUse(trx as unknown as Kysely<DB>, slot.deploymentId)) > slot.limit) throw new SlotTaken();
    for (const effect of write.sideEffects ?? []) {
      if (!(await effect(trx as unknown as Kysely<DB>, database.engine))) throw new SlotTaken();
    }
    await sql`release savepoint take_slot`.execute(trx);
    return true;
  } catch (error) {
    await sql`rollback to savepoint take_slot`.execute(trx);
    await sql`release savepoint take_slot`.execute(trx);
    if (error instanceof SlotTaken) return false;
    throw error;
  }
}

const queries = new QueryTemplateCache<string>();

/** The compare-and-set update of the run: only if it still has the state the decision was made on. */
function casUpdate(db: Kysely<any>, write: TransitionWrite, param: (name: string) => unknown, columnParam: (column: string) => string) {
  const set = Object.fromEntries(Object.keys(write.columns).map((column) => [column, param(columnParam(column))]));
  const update = db.updateTable(write.kind).set(set).where("id", "=", param("$runId"));
  return write.expectedStateId === null ? update.where("state_id", "is", null) : update.where("state_id", "=", param("$expectedStateId"));
}

/** What makes two writes' SQL differ: the table, the columns written, and whether the run had no state yet. */
function shapeOf(write: TransitionWrite): string {
  return `${write.kind} ${Object.keys(write.columns).join(",")} ${Object.keys(write.historyRow).join(",")} ${write.expectedStateId === null ? "null" : "id"}`;
}

/** @returns whether the run still had the expected state, i.e. the transition was written. */
async function writeOne(trx: Transaction<any>, write: TransitionWrite, database: Database): Promise<boolean> {
  if (isGuarded(write)) return writeOneWithSlot(trx, write, database);
  // The update comes first: on SQLite that makes the transaction a writer from its first
  // statement, so another server process waits for the lock instead of failing on a stale snapshot.
  const shape = shapeOf(write);
  // Parameters are named after the columns, so the rows bind as they are ($-names are not columns).
  const update = queries.get(database, `update ${shape}`, (db, param) => casUpdate(db, write, param, (column) => column));
  const result = await trx.executeQuery(update.bind({ ...write.columns, $runId: write.runId, $expectedStateId: write.expectedStateId }));
  if (Number(result.numAffectedRows) !== 1) return false;
  const insert = queries.get(database, `history ${shape}`, (db, param) =>
    db.insertInto(HISTORY_TABLE[write.kind]).values(Object.fromEntries(Object.keys(write.historyRow).map((column) => [column, param(column)]))),
  );
  await trx.executeQuery(insert.bind(write.historyRow));
  return true;
}

function writeAlone(database: Database, write: TransitionWrite): Promise<boolean> {
  return (database.db as unknown as Kysely<any>).transaction().execute((trx) => writeOne(trx, write, database));
}

/**
 * PostgreSQL: the compare-and-set update and the history row in one statement (a data-modifying
 * CTE), so one round trip instead of four (begin, update, insert, commit). The insert selects
 * from the update's result, so the history row is written exactly when the update matched.
 */
async function writeOnePostgres(database: Database, write: TransitionWrite): Promise<boolean> {
  const columns = Object.keys(write.historyRow);
  // The run's and the history row's columns share names (`updated`), so they are told apart here.
  const query = queries.get(database, `cte ${shapeOf(write)}`, (db, param) =>
    db
      .with("moved", (qb) => casUpdate(qb as unknown as Kysely<any>, write, param, (column) => `set.${column}`).returning("id"))
      .insertInto(HISTORY_TABLE[write.kind])
      .columns(columns)
      .expression((eb) => eb.selectFrom("moved").select(columns.map((column) => eb.val(param(`history.${column}`)).as(column)))),
  );
  const params: Record<string, unknown> = { $runId: write.runId, $expectedStateId: write.expectedStateId };
  for (const [column, value] of Object.entries(write.columns)) params[`set.${column}`] = value;
  for (const [column, value] of Object.entries(write.historyRow)) params[`history.${column}`] = value;
  const result = await database.db.executeQuery(query.bind(params));
  return Number(result.numAffectedRows ?? 0) === 1;
}

/** PostgreSQL, guarded write: lock the deployment so racing claims of its runs count in turn. */
function writeWithSlotPostgres(database: Database, write: TransitionWrite): Promise<boolean> {
  return (database.db as unknown as Kysely<any>).transaction().execute(async (trx) => {
    if (write.slotLimit) await trx.selectFrom("deployment").select("id").where("id", "=", write.slotLimit.deploymentId).forUpdate().execute();
    return writeOne(trx, write, database);
  });
}

interface Queued {
  write: TransitionWrite;
  resolve(written: boolean): void;
  reject(error: unknown): void;
}

/**
 * SQLite has one connection per process and a synchronous commit (with `synchronous=FULL`, an
 * fsync that stalls the whole server). Transitions decided in the same turn of the event loop are
 * therefore written in one transaction: one commit for all of them. Each keeps its own
 * compare-and-set, so a batch behaves exactly like the same writes one after another.
 */
class SqliteTransitionBatcher {
  private queue: Queued[] = [];

  constructor(private readonly database: Database) {}

  write(write: TransitionWrite): Promise<boolean> {
    return new Promise((resolve, reject) => {
      if (this.queue.push({ write, resolve, reject }) === 1) setImmediate(() => void this.flush());
    });
  }

  private async flush(): Promise<void> {
    const batch = this.queue;
    this.queue = [];
    try {
      const written = await (this.database.db as unknown as Kysely<any>).transaction().execute(async (trx) => {
        const results: boolean[] = [];
        for (const item of batch) results.push(await writeOne(trx, item.write, this.database));
        return results;
      });
      batch.forEach((item, i) => item.resolve(written[i]));
    } catch (error) {
      if (batch.length === 1) return batch[0].reject(error);
      // One failing write must not fail the others: write each on its own.
      for (const item of batch) writeAlone(this.database, item.write).then(item.resolve, item.reject);
    }
  }
}

const batchers = new WeakMap<Kysely<DB>, SqliteTransitionBatcher>();

/**
 * Writes a decided transition if the run still has the state it was decided on. On PostgreSQL
 * each is one statement (concurrent commits already share WAL flushes there).
 */
export function writeTransition(database: Database, write: TransitionWrite): Promise<boolean> {
  if (database.engine !== "sqlite" && isGuarded(write)) return writeWithSlotPostgres(database, write);
  if (database.engine !== "sqlite") return writeOnePostgres(database, write);
  let batcher = batchers.get(database.db);
  if (!batcher) {
    batcher = new SqliteTransitionBatcher(database);
    batchers.set(database.db, batcher);
  }
  return batcher.write(write);
}
