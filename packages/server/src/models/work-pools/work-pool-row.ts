import type { WorkPool, WorkPoolStorageConfiguration, WorkPoolStorageConfigurationInput } from "@ecsflow/schemas";
import type { WorkPoolTable } from "../../database/index.js";
import { parseJson, toBool } from "../shared/json-columns.js";
import { workPoolStatus } from "./status.js";

/** What a pool's answer needs beyond its row: whether a worker is online, and its busy slots. */
export interface WorkPoolLiveness {
  hasOnlineWorker: boolean;
  /** Runs holding a slot of the pool's limit; only counted when the pool has a limit. */
  activeSlots: number;
}

/** Every key present, null when unset: the shape Prefect stores and returns. */
export function normalizeStorageConfiguration(input: WorkPoolStorageConfigurationInput | null | undefined): WorkPoolStorageConfiguration {
  return {
    bundle_upload_step: input?.bundle_upload_step ?? null,
    bundle_execution_step: input?.bundle_execution_step ?? null,
    default_result_storage_block_id: input?.default_result_storage_block_id ?? null,
  };
}

/** A stored work pool as the API returns it. */
export function workPoolFromRow(row: WorkPoolTable, liveness: WorkPoolLiveness): WorkPool {
  const isPaused = toBool(row.is_paused);
  return {
    id: row.id,
    created: row.created,
    updated: row.updated,
    name: row.name,
    description: row.description,
    type: row.type,
    base_job_template: parseJson(row.base_job_template, {}),
    is_paused: isPaused,
    concurrency_limit: row.concurrency_limit,
    status: workPoolStatus(row.type, isPaused, liveness.hasOnlineWorker),
    default_queue_id: row.default_queue_id,
    storage_configuration: normalizeStorageConfiguration(parseJson(row.storage_configuration, {})),
    active_slots: row.concurrency_limit === null ? null : liveness.activeSlots,
  };
}
