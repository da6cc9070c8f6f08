import { Migrator, sql, type Migration, type MigrationProvider } from "kysely";
import type { Database } from "./database.js";
import type { Engine } from "./engine.js";
import { DatabaseConfigError } from "./errors.js";
import { initialMigration } from "./migrations/0001-initial.js";
import { serviceLeasesMigration } from "./migrations/0002-service-leases.js";
import { dropFlowRunUpdatedIndexMigration } from "./migrations/0003-drop-flow-run-updated-index.js";
import { blocksMigration } from "./migrations/0006-blocks.js";
import { variablesArtifactsMigration } from "./migrations/0004-variables-artifacts.js";
import { concurrencyLimitsMigration } from "./migrations/0005-concurrency-limits.js";
import { costNotificationsMigration } from "./migrations/0007-cost-notifications.js";
import { leasesRunInputsMigration } from "./migrations/0008-leases-run-inputs.js";

/** Every migration in order. Names sort; never rename or edit one that has shipped. */
function migrations(engine: Engine): Record<string, Migration> {
  return {
    "0001-initial": initialMigration(engine),
    "0002-service-leases": serviceLeasesMigration(engine),
    "0003-drop-flow-run-updated-index": dropFlowRunUpdatedIndexMigration(engine),
    "0006-blocks": blocksMigration(engine),
    "0004-variables-artifacts": variablesArtifactsMigration(engine),
    "0005-concurrency-limits": concurrencyLimitsMigration(engine),
    "0007-cost-notifications": costNotificationsMigration(engine),
    "0008-leases-run-inputs": leasesRunInputsMigration(engine),
  };
}

class StaticProvider implements MigrationProvider {
  constructor(private readonly engine: Engine) {}
  async getMigrations(): Promise<Record<string, Migration>> {
    return migrations(this.engine);
  }
}

/** Applies pending migrations; Kysely's lock table makes concurrent starts (two replicas) safe. */
export async function migrateToLatest(database: Database): Promise<string[]> {
  // Kysely looks for its own tables in every schema unless told which one: with another schema in
  // the same PostgreSQL database already migrated (a second tenant, a parallel test), it would skip
  // creating them here and then fail. So name the schema this connection works in.
  const migrationTableSchema =
    database.engine === "postgresql" ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(database.db)).rows[0]?.schema : undefined;
  const migrator = new Migrator({
    db: database.db,
    provider: new StaticProvider(database.engine),
    ...(migrationTableSchema ? { migrationTableSchema } : {}),
  });
  let outcome = await migrator.migrateToLatest();
  // Kysely's table check reads every schema's catalog; another schema of the same database being
  // dropped at that moment (a tenant removed, a parallel test cleaning up) fails it with 3F000 for
  // that other schema. Nothing was applied then, so trying again is safe.
  for (let attempt = 1; attempt < 5 && isOtherSchemaVanished(outcome.error, migrationTableSchema); attempt++) {
    await new Promise((r) => setTimeout(r, 50 * attempt));
    outcome = await migrator.migrateToLatest();
  }
  const { error, results } = outcome;
  if (error) {
    const failed = results?.find((r) => r.status === "Error")?.migrationName;
    throw new DatabaseConfigError(`Database migration ${failed ?? ""} failed: ${(error as Error).message}`, { cause: error });
  }
  return (results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName);
}

function isOtherSchemaVanished(error: unknown, ownSchema: string | undefined): boolean {
  const e = error as { code?: string; message?: string } | undefined;
  if (e?.code !== "3F000") return false;
  return ownSchema === undefined || !e.message?.includes(`"${ownSchema}"`);
}
