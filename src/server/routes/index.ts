import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { adminRoutes } from "./admin.js";

/** Every route group, each an encapsulated plugin, mounted under /api by app.ts. */
export const apiRoutes: FastifyPluginAsyncTypebox = async (app) => {
  await app.register(adminRoutes);
};
