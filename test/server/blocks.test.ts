import { Writable } from "node:stream";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { blockSchemaChecksum } from "../../packages/server/src/models/blocks/block-schema-checksum.js";
import { expectResponseMatches, openApiAvailable, type HttpMethod } from "../support/openapi-contract.js";
import { ENGINES } from "../support/test-database.js";
import { startTestServer, type TestServer } from "../support/test-server.js";

// The fields of prefect-aws's AwsCredentials block schema (version 0.1.7), as its client registers them.
const AWS_CREDENTIALS_FIELDS = {
  title: "AwsCredentials",
  description: "Block used to manage authentication with AWS.",
  type: "object",
  properties: {
    aws_access_key_id: { title: "Aws Access Key Id", description: "A specific AWS access key ID.", type: "string" },
    aws_secret_access_key: { title: "Aws Secret Access Key", description: "A specific AWS secret access key.", type: "string", writeOnly: true, format: "password" },
    aws_session_token: { title: "Aws Session Token", type: "string" },
    profile_name: { title: "Profile Name", type: "string" },
    region_name: { title: "Region Name", type: "string" },
  },
  block_type_slug: "aws-credentials",
  secret_fields: ["aws_secret_access_key"],
  block_schema_references: {},
};
const SECRET = "wJalrXUtnFEMI-K7MDENG-bPxRfiCYEXAMPLEKEY";

describe.each(ENGINES)("blocks on $engine", ({ engine, available, skipReason }) => {
  let server: TestServer;
  const logLines: string[] = [];
  const contract = (method: HttpMethod, path: string, r: { status: number; body: unknown }) => {
    if (openApiAvailable) expectResponseMatches(method, path, r.status, r.body);
  };
  let typeId: string;
  let schemaId: string;
  let documentId: string;

  beforeAll(async () => {
    if (!available) return;
    const sink = new Writable({
      write(chunk, _enc, done) {
        logLines.push(String(chunk));
        done();
      },
    });
    // Every request is logged, at the most detailed level, so the check below sees all the server writes.
    server = await startTestServer(engine, { logger: pino({ level: "trace" }, sink), logRequests: true });
  });
  afterAll(async () => server?.close());

  it.skipIf(!available)(`registers aws-credentials and reads it back as prefect-aws's worker does ${skipReason}`, async () => {
    const type = await server.request("POST", "/block_types/", { name: "AWS Credentials", slug: "aws-credentials", description: "a <b>" });
    expect(type.status).toBe(201);
    contract("POST", "/block_types/", type);
    expect(type.body.description).toBe("a &lt;b&gt;");
    typeId = type.body.id;

    const schema = await server.request("POST", "/block_schemas/", { fields: AWS_CREDENTIALS_FIELDS, block_type_id: typeId, capabilities: [], version: "0.1.7" });
    expect(schema.status).toBe(201);
    contract("POST", "/block_schemas/", schema);
    // The checksum is the one Prefect computes over these fields (block-schema-checksum.test.ts checks it against Prefect's own).
    expect(schema.body.checksum).toBe(blockSchemaChecksum(AWS_CREDENTIALS_FIELDS));
    schemaId = schema.body.id;
    const again = await server.request("POST", "/block_schemas/", { fields: AWS_CREDENTIALS_FIELDS, block_type_id: typeId, capabilities: [], version: "0.1.7" });
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(schemaId);

    const doc = await server.request("POST", "/block_documents/", {
      name: "ecs-creds",
      block_type_id: typeId,
      block_schema_id: schemaId,
      data: { aws_access_key_id: "AKIAEXAMPLE", aws_secret_access_key: SECRET, region_name: "eu-west-1", profile_name: null },
    });
    expect(doc.status).toBe(201);
    contract("POST", "/block_documents/", doc);
    expect(doc.body.data.aws_secret_access_key).toBe("********");
    documentId = doc.body.id;

    // The worker resolves {"$ref": …} job variables by slug and name, with secrets.
    const byName = await server.request("GET", "/block_types/slug/aws-credentials/block_documents/name/ecs-creds?include_secrets=true");
    expect(byName.status).toBe(200);
    contract("GET", "/block_types/slug/{slug}/block_documents/name/{block_document_name}", byName);
    expect(byName.body.data).toEqual({ aws_access_key_id: "AKIAEXAMPLE", aws_secret_access_key: SECRET, region_name: "eu-west-1", profile_name: null });
    expect(byName.body.block_type.slug).toBe("aws-credentials");
    expect(byName.body.block_schema.fields.secret_fields).toEqual(["aws_secret_access_key"]);

    const hidden = await server.request("GET", `/block_documents/${documentId}`);
    contract("GET", "/block_documents/{id}", hidden);
    expect(hidden.body.data.aws_secret_access_key).toBe("********");
    expect(JSON.stringify(hidden.body)).not.toContain(SECRET);
    const list = await server.request("GET", "/block_types/slug/aws-credentials/block_documents");
    contract("GET", "/block_types/slug/{slug}/block_documents", list);
    expect(list.body.map((d: { name: string }) => d.name)).toEqual(["ecs-creds"]);
    expect(JSON.stringify(list.body)).not.toContain(SECRET);
  });

  it.skipIf(!available)(`checks, filters, reads by checksum and lists capabilities ${skipReason}`, async () => {
    const byId = await server.request("GET", `/block_types/${typeId}`);
    contract("GET", "/block_types/{id}", byId);
    const bySlug = await server.request("GET", "/block_types/slug/aws-credentials");
    expect(bySlug.body.id).toBe(typeId);
    contract("GET", "/block_types/slug/{slug}", bySlug);
    expect((await server.request("GET", "/block_types/slug/nope")).status).toBe(404);
    const filtered = await server.request("POST", "/block_types/filter", { block_types: { name: { like_: "aws" } } });
    contract("POST", "/block_types/filter", filtered);
    expect(filtered.body.map((t: { slug: string }) => t.slug)).toEqual(["aws-credentials"]);
    expect((await server.request("POST", "/block_types/filter", { block_types: { slug: { any_: ["other"] } } })).body).toEqual([]);
    expect((await server.request("PATCH", `/block_types/${typeId}`, { documentation_url: "https://example.invalid/doc" })).status).toBe(204);
    expect((await server.request("GET", `/block_types/${typeId}`)).body.documentation_url).toBe("https://example.invalid/doc");

    const schema = await server.request("GET", `/block_schemas/${schemaId}`);
    contract("GET", "/block_schemas/{id}", schema);
    const byChecksum = await server.request("GET", `/block_schemas/checksum/${encodeURIComponent(schema.body.checksum)}?version=0.1.7`);
    expect(byChecksum.body.id).toBe(schemaId);
    contract("GET", "/block_schemas/checksum/{checksum}", byChecksum);
    expect((await server.request("GET", "/block_schemas/checksum/sha256:00")).status).toBe(404);
    const schemas = await server.request("POST", "/block_schemas/filter", { block_schemas: { block_type_id: { any_: [typeId] } } });
    contract("POST", "/block_schemas/filter", schemas);
    expect(schemas.body.map((s: { id: string }) => s.id)).toEqual([schemaId]);

    const storage = (await server.request("POST", "/block_types/", { name: "Store", slug: "store" })).body;
    const storageSchema = await server.request("POST", "/block_schemas/", { fields: { title: "Store", properties: {} }, block_type_id: storage.id, capabilities: ["read-path", "write-path"] });
    expect(storageSchema.body.version).toBe("non-versioned");
    const caps = await server.request("GET", "/block_capabilities/");
    contract("GET", "/block_capabilities/", caps);
    expect(caps.body).toEqual(["read-path", "write-path"]);
    const withCap = await server.request("POST", "/block_types/filter", { block_schemas: { block_capabilities: { all_: ["write-path"] } } });
    expect(withCap.body.map((t: { slug: string }) => t.slug)).toEqual(["store"]);
    expect((await server.request("POST", "/block_types/install_system_block_types")).status).toBe(200);
  });

  it.skipIf(!available)(`answers 403, 404, 409 and 422 as Prefect does and writes nothing on rejection ${skipReason}`, async () => {
    const count = async () => (await server.request("POST", "/block_documents/count", { block_documents: { is_anonymous: null } })).body as number;
    const before = await count();
    expect((await server.request("POST", "/block_types/", { name: "Prefect Thing", slug: "prefect-thing" })).status).toBe(403);
    expect((await server.request("POST", "/block_types/", { name: "AWS Credentials", slug: "aws-credentials-2" })).status).toBe(409);
    const badSlug = await server.request("POST", "/block_types/", { name: "X", slug: "Not A Slug" });
    expect(badSlug.status).toBe(422);
    expect(badSlug.body.detail[0].loc).toEqual(["body", "slug"]);
    expect((await server.request("POST", "/block_schemas/", { fields: {}, block_type_id: "00000000-0000-4000-8000-000000000000" })).status).toBe(404);
    const dup = await server.request("POST", "/block_documents/", { name: "ecs-creds", block_type_id: typeId, block_schema_id: schemaId, data: { aws_secret_access_key: SECRET } });
    expect(dup.status).toBe(409);
    expect(dup.body).toEqual({ detail: "Block already exists" });
    const noName = await server.request("POST", "/block_documents/", { block_type_id: typeId, block_schema_id: schemaId, data: {} });
    expect(noName.status).toBe(422);
    expect(noName.body.detail[0].loc).toEqual(["body", "name"]);
    const badSchema = await server.request("POST", "/block_documents/", { name: "x", block_type_id: typeId, block_schema_id: "00000000-0000-4000-8000-000000000000", data: {} });
    expect(badSchema.body.detail[0].loc).toEqual(["body", "block_schema_id"]);
    const badRef = await server.request("POST", "/block_documents/", { name: "y", block_type_id: typeId, block_schema_id: schemaId, data: { inner: { $ref: { block_document_id: "00000000-0000-4000-8000-000000000000" } } } });
    expect(badRef.status).toBe(422);
    expect(badRef.body.detail[0].loc).toEqual(["body", "data", "inner", "$ref", "block_document_id"]);
    expect(await count()).toBe(before);
    expect((await server.request("GET", "/block_documents/00000000-0000-4000-8000-000000000000")).status).toBe(404);
    expect((await server.request("PATCH", "/block_documents/00000000-0000-4000-8000-000000000000", { data: {} })).status).toBe(404);
    expect((await server.request("DELETE", "/block_documents/00000000-0000-4000-8000-000000000000")).status).toBe(404);
  });

  it.skipIf(!available)(`merges or replaces on update and keeps a secret posted back as ******** ${skipReason}`, async () => {
    expect((await server.request("PATCH", `/block_documents/${documentId}`, { data: { region_name: "us-east-1", aws_secret_access_key: "********" } })).status).toBe(204);
    let doc = (await server.request("GET", `/block_documents/${documentId}?include_secrets=true`)).body;
    expect(doc.data).toEqual({ aws_access_key_id: "AKIAEXAMPLE", aws_secret_access_key: SECRET, region_name: "us-east-1", profile_name: null });

    // A bad update is refused without the secret in the answer.
    const bad = await server.request("PATCH", `/block_documents/${documentId}`, { data: { aws_secret_access_key: "new-" + SECRET }, block_schema_id: "not-a-uuid" });
    expect(bad.status).toBe(422);
    expect(bad.body.detail[0].loc).toEqual(["body", "block_schema_id"]);
    expect(JSON.stringify(bad.body)).not.toContain(SECRET);
    const malformed = await server.request("PATCH", `/block_documents/${documentId}`, `{"data": {"aws_secret_access_key": ${SECRET}}}`);
    expect(malformed.status).toBe(422);
    expect(JSON.stringify(malformed.body)).not.toContain(SECRET.slice(0, 8));

    expect((await server.request("PATCH", `/block_documents/${documentId}`, { data: { region_name: "eu-central-1" }, merge_existing_data: false })).status).toBe(204);
    doc = (await server.request("GET", `/block_documents/${documentId}?include_secrets=true`)).body;
    expect(doc.data).toEqual({ region_name: "eu-central-1" });
    await server.request("PATCH", `/block_documents/${documentId}`, { data: { aws_access_key_id: "AKIAEXAMPLE", aws_secret_access_key: SECRET } });
  });

  it.skipIf(!available)(`nests referenced documents and names anonymous ones ${skipReason}`, async () => {
    const parentType = (await server.request("POST", "/block_types/", { name: "ECS Task", slug: "ecs-task" })).body;
    const parentSchema = (
      await server.request("POST", "/block_schemas/", {
        block_type_id: parentType.id,
        fields: {
          title: "ECSTask",
          properties: { aws_credentials: { $ref: "#/definitions/AwsCredentials" }, cluster: { type: "string" } },
          block_type_slug: "ecs-task",
          secret_fields: ["aws_credentials.aws_secret_access_key"],
          block_schema_references: { aws_credentials: { block_type_slug: "aws-credentials", block_schema_checksum: blockSchemaChecksum(AWS_CREDENTIALS_FIELDS) } },
          definitions: { AwsCredentials: AWS_CREDENTIALS_FIELDS },
        },
      })
    ).body;
    const created = await server.request("POST", "/block_documents/", {
      is_anonymous: true,
      block_type_id: parentType.id,
      block_schema_id: parentSchema.id,
      data: { cluster: "c1", aws_credentials: { $ref: { block_document_id: documentId } } },
    });
    expect(created.status).toBe(201);
    contract("POST", "/block_documents/", created);
    expect(created.body.name).toMatch(/^anonymous-[0-9a-f-]{36}$/);
    expect(created.body.data.aws_credentials.aws_secret_access_key).toBe("********");
    expect(created.body.block_document_references.aws_credentials.block_document.id).toBe(documentId);
    const withSecrets = (await server.request("GET", `/block_documents/${created.body.id}?include_secrets=true`)).body;
    expect(withSecrets.data.aws_credentials.aws_secret_access_key).toBe(SECRET);

    // Anonymous documents are left out unless asked for.
    const named = await server.request("POST", "/block_documents/filter", {});
    contract("POST", "/block_documents/filter", named);
    expect(named.body.map((d: { id: string }) => d.id)).not.toContain(created.body.id);
    const all = await server.request("POST", "/block_documents/filter", { block_documents: { is_anonymous: null }, block_types: { slug: { any_: ["ecs-task"] } } });
    expect(all.body.map((d: { id: string }) => d.id)).toEqual([created.body.id]);
    const counted = await server.request("POST", "/block_documents/count", { block_documents: { is_anonymous: { eq_: true } } });
    contract("POST", "/block_documents/count", counted);
    expect(counted.body).toBe(1);

    expect((await server.request("DELETE", `/block_documents/${created.body.id}`)).status).toBe(204);
    expect((await server.request("GET", `/block_documents/${documentId}`)).status).toBe(200);
  });

  it.skipIf(!available)(`never writes a secret to the log ${skipReason}`, async () => {
    expect(logLines.length).toBeGreaterThan(10);
    expect(logLines.filter((l) => l.includes(SECRET) || l.includes(SECRET.slice(0, 12)))).toEqual([]);
  });

  it.skipIf(!available)(`deletes schemas and types ${skipReason}`, async () => {
    const store = (await server.request("GET", "/block_types/slug/store")).body;
    const schemas = (await server.request("POST", "/block_schemas/filter", { block_schemas: { block_type_id: { any_: [store.id] } } })).body;
    const del = await server.request("DELETE", `/block_schemas/${schemas[0].id}`);
    expect(del.status).toBe(204);
    expect((await server.request("DELETE", `/block_schemas/${schemas[0].id}`)).status).toBe(404);
    expect((await server.request("DELETE", `/block_types/${store.id}`)).status).toBe(204);
    expect((await server.request("GET", `/block_types/${store.id}`)).status).toBe(404);
  });
});
