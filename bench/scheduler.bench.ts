// Scheduler throughput: 1,000 deployments, each with one schedule (a third each cron with a
// timezone, interval, rrule), and one scheduler pass that creates their runs ahead (Prefect's
// window: at least 3 runs and 1 hour); then a second pass, which must find nothing to do. In
// process, on SQLite and, when reachable, PostgreSQL.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import pg from "pg";
import pino from "pino";
import { openDatabase, type Database } from "../packages/server/src/database/index.js";
import { newId } from "../packages/server/src/ids.js";
import { schedulerService } from "../packages/server/src/services/scheduler.js";
import { nowTimestamp } from "../packages/server/src/timestamps.js";
import { isQuick, report, type BenchRow } from "./support/report.js";

const DEPLOYMENTS = isQuick() ? 60 : 1000;
const PG_URL = process.env.ECSFLOW_TEST_PG_URL ?? "postgresql://postgres@127.0.0.1:5432/test";

const SCHEDULES = [
  { cron: "*/10 * * * *", timezone: "Europe/Berlin", day_or: true },
  { interval: 900, anchor_date: nowTimestamp(), timezone: "UTC" },
  { rrule: "FREQ=MINUTELY;INTERVAL=20", timezone: "UTC" },
];

async function seed(database: Database): Promise<void> {
  const now = nowTimestamp();
  const flowId = newId();
  await database.db.insertInto("flow").values({ id: flowId, created: now, updated: now, name: "bench", tags: "[]", labels: "{}" }).execute();
  for (let offset = 0; offset < DEPLOYMENTS; offset += 200) {
    const ids = Array.from({ length: Math.min(200, DEPLOYMENTS - offset) }, () => newId());
    await database.db
      .insertInto("deployment")
      .values(ids.map((id, i) => ({ id, created: now, updated: now, name: `d-${offset + i}`, flow_id: flowId, tags: "[]", labels: "{}", parameters: "{}", job_variables: "{}" }) as never))
      .execute();
    await database.db
      .insertInto("deployment_schedule")
      .values(ids.map((id, i) => ({ id: newId(), created: now, updated: now, deployment_id: id, schedule: JSON.stringify(SCHEDULES[(offset + i) % 3]), active: 1, max_scheduled_runs: null, parameters: "{}", slug: null })))
      .execute();
  }
}

async function measure(variant: string, url: string): Promise<BenchRow[]> {
  const database = await openDatabase({ url });
  try {
    await seed(database);
    const logger = pino({ level: "silent" });
    const service = schedulerService({ intervalSeconds: 60 });
    const now = Date.now();
    const t0 = performance.now();
    const created = await service.run({ database, logger, now });
    const first = (performance.now() - t0) / 1000;
    const t1 = performance.now();
    const again = await service.run({ database, logger, now });
    const second = (performance.now() - t1) / 1000;
    if (again !== 0) throw new Error(`the second pass created ${again} runs; it must create none`);
    return [
      { metric: "runs created", variant, value: created, unit: "runs" },
      { metric: "scheduler pass", variant, value: first, unit: "s" },
      { metric: "runs created per second", variant, value: created / first, unit: "/s" },
      { metric: "second pass (nothing to do)", variant, value: second * 1000, unit: "ms" },
    ];
  } finally {
    await database.close();
  }
}

const rows: BenchRow[] = [];
const dir = mkdtempSync(join(tmpdir(), "ecsflow-bench-"));
try {
  rows.push(...(await measure(`sqlite, ${DEPLOYMENTS} deployments`, `sqlite://${join(dir, "bench.db")}`)));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const admin = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 2000 });
const schema = `bench_${randomBytes(4).toString("hex")}`;
try {
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  rows.push(...(await measure(`postgresql, ${DEPLOYMENTS} deployments`, `${PG_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}`)));
} catch (error) {
  console.warn(`PostgreSQL skipped: ${(error as Error).message}`);
} finally {
  await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => undefined);
  await admin.end().catch(() => undefined);
}
report("scheduler", rows, { deployments: DEPLOYMENTS });
