import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "@sinclair/typebox";
import {
  ArtifactCollectionSchema,
  ArtifactCreateSchema,
  ArtifactKeyParamsSchema,
  ArtifactSchema,
  ArtifactUpdateSchema,
  CountArtifactsBodySchema,
  CountLatestArtifactsBodySchema,
  IdParams,
  ReadArtifactsBodySchema,
  ReadLatestArtifactsBodySchema,
} from "@ecsflow/schemas";
import {
  countArtifacts,
  countLatestArtifacts,
  createArtifact,
  deleteArtifact,
  readArtifact,
  readArtifacts,
  readLatestArtifact,
  readLatestArtifacts,
  updateArtifact,
} from "../models/artifacts/artifacts.js";
import { emptyBodyIsEmptyObject } from "./empty-body.js";

/** Prefect's `/artifacts`: versions by id, and the latest version of each key. */
export const artifactRoutes: FastifyPluginAsyncTypebox = async (app) => {
  emptyBodyIsEmptyObject(app);

  // Prefect answers 201 for a new artifact (its OpenAPI file lists only the 200 it could see statically).
  app.post("/artifacts/", { schema: { body: ArtifactCreateSchema, response: { 201: ArtifactSchema } } }, async (request, reply) =>
    reply.code(201).send(await createArtifact(app.database, request.body)),
  );
  app.post("/artifacts/filter", { schema: { body: ReadArtifactsBodySchema, response: { 200: Type.Array(ArtifactSchema) } } }, async (request) =>
    readArtifacts(app.database, request.body),
  );
  app.post("/artifacts/count", { schema: { body: CountArtifactsBodySchema, response: { 200: Type.Integer() } } }, async (request) =>
    countArtifacts(app.database, request.body),
  );
  app.post("/artifacts/latest/filter", { schema: { body: ReadLatestArtifactsBodySchema, response: { 200: Type.Array(ArtifactCollectionSchema) } } }, async (request) =>
    readLatestArtifacts(app.database, request.body),
  );
  app.post("/artifacts/latest/count", { schema: { body: CountLatestArtifactsBodySchema, response: { 200: Type.Integer() } } }, async (request) =>
    countLatestArtifacts(app.database, request.body),
  );
  app.get("/artifacts/:key/latest", { schema: { params: ArtifactKeyParamsSchema, response: { 200: ArtifactSchema } } }, async (request) =>
    readLatestArtifact(app.database, request.params.key),
  );
  app.get("/artifacts/:id", { schema: { params: IdParams, response: { 200: ArtifactSchema } } }, async (request) => readArtifact(app.database, request.params.id));
  app.patch("/artifacts/:id", { schema: { params: IdParams, body: ArtifactUpdateSchema } }, async (request, reply) => {
    await updateArtifact(app.database, request.params.id, request.body);
    return reply.code(204).send();
  });
  app.delete("/artifacts/:id", { schema: { params: IdParams } }, async (request, reply) => {
    await deleteArtifact(app.database, request.params.id);
    return reply.code(204).send();
  });
};
