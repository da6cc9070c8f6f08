import type { Database } from "../database/index.js";

/** Tunables of the orchestration rules (settings keys in packages/settings/src/definitions.ts). */
export interface OrchestrationSettings {
  /** How long a run waits in AwaitingConcurrencySlot before it is proposed again (Prefect: 30 s). */
  deploymentConcurrencySlotWaitSeconds: number;
  /** How long a task run refused a tag's concurrency slot waits before proposing RUNNING again (Prefect: 30 s). */
  taskRunTagConcurrencySlotWaitSeconds: number;
}

export const DEFAULT_ORCHESTRATION_SETTINGS: OrchestrationSettings = { deploymentConcurrencySlotWaitSeconds: 30, taskRunTagConcurrencySlotWaitSeconds: 30 };

// Keyed by database so that the routes (which only know `app.database`) and the services of one
// app share one configuration, without threading it through every call site.
const configured = new WeakMap<object, OrchestrationSettings>();

export function configureOrchestration(database: Database, settings: Partial<OrchestrationSettings>): void {
  configured.set(database.db, { ...DEFAULT_ORCHESTRATION_SETTINGS, ...settings });
}

export function orchestrationSettingsFor(database: Database): OrchestrationSettings {
  return configured.get(database.db) ?? DEFAULT_ORCHESTRATION_SETTINGS;
}
