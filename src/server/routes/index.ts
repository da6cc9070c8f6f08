import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { adminRoutes } from "./admin.js";
import { workPoolRoutes } from "./work-pools.js";
import { workQueueRoutes } from "./work-queues.js";
import { workerRoutes } from "./workers.js";

/** Every route group, each an encapsulated plugin, mounted under /api by app.ts. */
export const apiRoutes: FastifyPluginAsyncTypebox = async (app) => {
  await app.register(adminRoutes);
  await app.register(workPoolRoutes);
  await app.register(workQueueRoutes);
  await app.register(workerRoutes);
};
