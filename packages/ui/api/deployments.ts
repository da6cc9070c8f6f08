import { apiRequest } from "./api-client";
import type { Deployment, DeploymentSchedule, FlowRun, JsonObject } from "./types";

export const readDeployments = (body: { limit: number; offset?: number; ids?: string[]; flowIds?: string[] }, signal?: AbortSignal) =>
  apiRequest<Deployment[]>(
    "POST",
    "/deployments/filter",
    {
      limit: body.limit,
      offset: body.offset ?? 0,
      sort: "NAME_ASC",
      ...(body.ids ? { deployments: { id: { any_: body.ids } } } : {}),
      ...(body.flowIds ? { flows: { id: { any_: body.flowIds } } } : {}),
    },
    { signal },
  );

export const countDeployments = (signal?: AbortSignal) => apiRequest<number>("POST", "/deployments/count", {}, { signal });

export const readDeployment = (id: string, signal?: AbortSignal) =>
  apiRequest<Deployment>("GET", `/deployments/${encodeURIComponent(id)}`, undefined, { signal });

/** Pauses or resumes its schedules (Prefect's `DeploymentUpdate.paused`). */
export const setDeploymentPaused = (id: string, paused: boolean) => apiRequest<void>("PATCH", `/deployments/${encodeURIComponent(id)}`, { paused });

export interface CreateRunInput {
  parameters?: JsonObject;
  job_variables?: JsonObject;
  tags?: string[];
  name?: string;
}

export const createFlowRunFromDeployment = (id: string, input: CreateRunInput) =>
  apiRequest<FlowRun>("POST", `/deployments/${encodeURIComponent(id)}/create_flow_run`, input);

/** A schedule as sent: exactly one of interval (seconds), cron or rrule; the server checks it. */
export interface ScheduleInput {
  interval?: number;
  anchor_date?: string;
  cron?: string;
  day_or?: boolean;
  rrule?: string;
  timezone?: string | null;
}

const schedules = (id: string) => `/deployments/${encodeURIComponent(id)}/schedules`;

export const readDeploymentSchedules = (id: string, signal?: AbortSignal) => apiRequest<DeploymentSchedule[]>("GET", schedules(id), undefined, { signal });

export const createDeploymentSchedule = (id: string, schedule: ScheduleInput, active = true) =>
  apiRequest<DeploymentSchedule[]>("POST", schedules(id), [{ schedule, active }]);

export const setDeploymentScheduleActive = (id: string, scheduleId: string, active: boolean) =>
  apiRequest<void>("PATCH", `${schedules(id)}/${encodeURIComponent(scheduleId)}`, { active });

export const deleteDeploymentSchedule = (id: string, scheduleId: string) => apiRequest<void>("DELETE", `${schedules(id)}/${encodeURIComponent(scheduleId)}`);
