import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "@sinclair/typebox";
import { IdParams, NotificationCreatedSchema, NotificationCreateSchema, NotificationSchema } from "@ecsflow/schemas";
import { createNotification, deleteNotification, readNotification, readNotifications } from "../models/notifications/subscriptions.js";

/** `/ecsflow/notifications`: webhooks subscribed to flow-run states (delivered by the notification-delivery service). */
export const notificationRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post("/ecsflow/notifications", { schema: { body: NotificationCreateSchema, response: { 201: NotificationCreatedSchema } } }, async (request, reply) =>
    reply.code(201).send(await createNotification(app.database, request.body)),
  );
  app.get("/ecsflow/notifications", { schema: { response: { 200: Type.Array(NotificationSchema) } } }, async () => readNotifications(app.database));
  app.get("/ecsflow/notifications/:id", { schema: { params: IdParams, response: { 200: NotificationSchema } } }, async (request) => readNotification(app.database, request.params.id));
  app.delete("/ecsflow/notifications/:id", { schema: { params: IdParams } }, async (request, reply) => {
    await deleteNotification(app.database, request.params.id);
    return reply.code(204).send();
  });
};
