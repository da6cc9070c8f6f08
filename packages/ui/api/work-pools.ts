import { apiRequest } from "./api-client";
import type { BaseJobTemplate, WorkPool, WorkQueue, Worker } from "./types";

const pool = (name: string) => `/work_pools/${encodeURIComponent(name)}`;

export const readWorkPools = (signal?: AbortSignal) => apiRequest<WorkPool[]>("POST", "/work_pools/filter", { limit: 200 }, { signal });

export const readWorkPool = (name: string, signal?: AbortSignal) => apiRequest<WorkPool>("GET", pool(name), undefined, { signal });

export const readWorkQueues = (poolName: string, signal?: AbortSignal) =>
  apiRequest<WorkQueue[]>("POST", `${pool(poolName)}/queues/filter`, { limit: 200 }, { signal });

export const readWorkers = (poolName: string, signal?: AbortSignal) =>
  apiRequest<Worker[]>("POST", `${pool(poolName)}/workers/filter`, { limit: 200 }, { signal });

export interface WorkPoolCreateInput {
  name: string;
  type: string;
  description?: string | null;
  concurrency_limit?: number | null;
  base_job_template?: BaseJobTemplate;
}

export const createWorkPool = (input: WorkPoolCreateInput) => apiRequest<WorkPool>("POST", "/work_pools/", input);

export const updateWorkPool = (name: string, patch: { base_job_template?: BaseJobTemplate; is_paused?: boolean; concurrency_limit?: number | null; description?: string | null }) =>
  apiRequest<void>("PATCH", pool(name), patch);

export interface WorkQueueCreateInput {
  name: string;
  description?: string | null;
  priority?: number | null;
  concurrency_limit?: number | null;
  is_paused?: boolean;
}

export const createWorkQueue = (poolName: string, input: WorkQueueCreateInput) => apiRequest<WorkQueue>("POST", `${pool(poolName)}/queues`, input);

export const updateWorkQueue = (poolName: string, queueName: string, patch: { is_paused?: boolean; concurrency_limit?: number | null; priority?: number; description?: string | null }) =>
  apiRequest<void>("PATCH", `${pool(poolName)}/queues/${encodeURIComponent(queueName)}`, patch);
