import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { adminRoutes } from "./admin.js";
import { workPoolRoutes } from "./work-pools.js";
import { workQueueRoutes } from "./work-queues.js";
import { workerRoutes } from "./workers.js";
import { deploymentRoutes } from "./deployments.js";
import { deploymentScheduleRoutes } from "./deployment-schedules.js";
import { flowRunHistoryRoutes } from "./flow-run-history.js";
import { flowRunRoutes } from "./flow-runs.js";
import { flowRoutes } from "./flows.js";
import { logRoutes } from "./logs.js";
import { runEventRoutes } from "./run-events.js";
import { runStateRoutes } from "./run-states.js";
import { taskRunRoutes } from "./task-runs.js";
import { runCostRoutes } from "./run-costs.js";
import { notificationRoutes } from "./notifications.js";

/** Every route group, each an encapsulated plugin, mounted under /api by app.ts. */
export const apiRoutes: FastifyPluginAsyncTypebox = async (app) => {
  await app.register(adminRoutes);
  await app.register(workPoolRoutes);
  await app.register(workQueueRoutes);
  await app.register(workerRoutes);
  await app.register(flowRoutes);
  await app.register(deploymentRoutes);
  await app.register(flowRunRoutes);
  await app.register(flowRunHistoryRoutes);
  await app.register(taskRunRoutes);
  await app.register(logRoutes);
  await app.register(runStateRoutes);
  await app.register(deploymentScheduleRoutes);
  await app.register(runEventRoutes);
  await app.register(runCostRoutes);
  await app.register(notificationRoutes);
};
