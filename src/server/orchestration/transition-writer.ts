import { sql, type Kysely, type Transaction } from "kysely";
import { countSlotsInUse } from "./deployment-concurrency-rule.js";
import type { Database, DB } from "../database/index.js";
import type { RunKind } from "./transition-context.js";

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
}

const HISTORY_TABLE = { flow_run: "flow_run_state", task_run: "task_run_state" } as const;

/** Raised inside a transaction to roll back a write that would exceed a deployment's limit. */
class SlotTaken extends Error {}

/**
 * A slot-taking write: the compare-and-set, then a count of the deployment's slot holders (this
 * run included); over the limit, everything is rolled back to the savepoint. On SQLite the
 * update makes the transaction the only writer, so the count cannot change under it; on
 * PostgreSQL the caller locked the deployment row first, so racing claims count one by one.
 */
async function writeOneWithSlot(trx: Transaction<any>, write: TransitionWrite): Promise<boolean> {
  const slot = write.slotLimit!;
  await sql`savepoint take_slot`.execute(trx);
  try {
    if (!(await writeOne(trx, { ...write, slotLimit: undefined }))) throw new SlotTaken();
    if ((await countSlotsInUse(trx as unknown as Kysely<DB>, slot.deploymentId)) > slot.limit) throw new SlotTaken();
    await sql`release savepoint take_slot`.execute(trx);
    return true;
  } catch (error) {
    await sql`rollback to savepoint take_slot`.execute(trx);
    await sql`release savepoint take_slot`.execute(trx);
    if (error instanceof SlotTaken) return false;
    throw error;
  }
}

/** @returns whether the run still had the expected state, i.e. the transition was written. */
async function writeOne(trx: Transaction<any>, write: TransitionWrite): Promise<boolean> {
  if (write.slotLimit) return writeOneWithSlot(trx, write);
  // The update comes first: on SQLite that makes the transaction a writer from its first
  // statement, so another server process waits for the lock instead of failing on a stale snapshot.
  const update = trx.updateTable(write.kind).set(write.columns).where("id", "=", write.runId);
  const result = await (write.expectedStateId === null ? update.where("state_id", "is", null) : update.where("state_id", "=", write.expectedStateId)).executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) return false;
  await trx.insertInto(HISTORY_TABLE[write.kind]).values(write.historyRow).execute();
  return true;
}

function writeAlone(db: Kysely<DB>, write: TransitionWrite): Promise<boolean> {
  return (db as unknown as Kysely<any>).transaction().execute((trx) => writeOne(trx, write));
}

/**
 * PostgreSQL: the compare-and-set update and the history row in one statement (a data-modifying
 * CTE), so one round trip instead of four (begin, update, insert, commit). The insert selects
 * from the update's result, so the history row is written exactly when the update matched.
 */
async function writeOnePostgres(db: Kysely<DB>, write: TransitionWrite): Promise<boolean> {
  const columns = Object.keys(write.historyRow);
  const result = await (db as unknown as Kysely<any>)
    .with("moved", (qb) => {
      const update = qb.updateTable(write.kind).set(write.columns).where("id", "=", write.runId);
      return (write.expectedStateId === null ? update.where("state_id", "is", null) : update.where("state_id", "=", write.expectedStateId)).returning("id");
    })
    .insertInto(HISTORY_TABLE[write.kind])
    .columns(columns)
    .expression((eb) => eb.selectFrom("moved").select(columns.map((column) => eb.val(write.historyRow[column]).as(column))))
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
}

/** PostgreSQL, slot-taking write: lock the deployment so racing claims of its runs count in turn. */
function writeWithSlotPostgres(db: Kysely<DB>, write: TransitionWrite): Promise<boolean> {
  return (db as unknown as Kysely<any>).transaction().execute(async (trx) => {
    await trx.selectFrom("deployment").select("id").where("id", "=", write.slotLimit!.deploymentId).forUpdate().execute();
    return writeOne(trx, write);
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

  constructor(private readonly db: Kysely<DB>) {}

  write(write: TransitionWrite): Promise<boolean> {
    return new Promise((resolve, reject) => {
      if (this.queue.push({ write, resolve, reject }) === 1) setImmediate(() => void this.flush());
    });
  }

  private async flush(): Promise<void> {
    const batch = this.queue;
    this.queue = [];
    try {
      const written = await (this.db as unknown as Kysely<any>).transaction().execute(async (trx) => {
        const results: boolean[] = [];
        for (const item of batch) results.push(await writeOne(trx, item.write));
        return results;
      });
      batch.forEach((item, i) => item.resolve(written[i]));
    } catch (error) {
      if (batch.length === 1) return batch[0].reject(error);
      // One failing write must not fail the others: write each on its own.
      for (const item of batch) writeAlone(this.db, item.write).then(item.resolve, item.reject);
    }
  }
}

const batchers = new WeakMap<Kysely<DB>, SqliteTransitionBatcher>();

/**
 * Writes a decided transition if the run still has the state it was decided on. On PostgreSQL
 * each is one statement (concurrent commits already share WAL flushes there).
 */
export function writeTransition(database: Database, write: TransitionWrite): Promise<boolean> {
  if (database.engine !== "sqlite" && write.slotLimit) return writeWithSlotPostgres(database.db, write);
  if (database.engine !== "sqlite") return writeOnePostgres(database.db, write);
  let batcher = batchers.get(database.db);
  if (!batcher) {
    batcher = new SqliteTransitionBatcher(database.db);
    batchers.set(database.db, batcher);
  }
  return batcher.write(write);
}
