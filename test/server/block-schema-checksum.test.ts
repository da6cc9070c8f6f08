import { describe, expect, it } from "vitest";
import { blockSchemaChecksum, pythonJson } from "../../packages/server/src/models/blocks/block-schema-checksum.js";

// Block schemas as prefect-aws 0.3 registers them, with the checksums Prefect published for them
// (prefect/server/collection_blocks_data.json): the server must name a schema as the client does.
const PUBLISHED = [
  {
    "slug": "aws-credentials",
    "checksum": "sha256:608ea04bddf6b0dbb7b72acf58cec796b50cbdb41cb44872202055315b818083",
    "fields": {
      "title": "AwsCredentials",
      "description": "Block used to manage authentication with AWS. AWS authentication is\nhandled via the `boto3` module. Refer to the\n[boto3 docs](https://boto3.amazonaws.com/v1/documentation/api/latest/guide/credentials.html)\nfor more info about the possible credential configurations.",
      "type": "object",
      "properties": {
        "aws_access_key_id": {
          "title": "Aws Access Key Id",
          "description": "A specific AWS access key ID.",
          "type": "string"
        },
        "aws_secret_access_key": {
          "title": "Aws Secret Access Key",
          "description": "A specific AWS secret access key.",
          "type": "string",
          "writeOnly": true,
          "format": "password"
        },
        "aws_session_token": {
          "title": "Aws Session Token",
          "description": "The session key for your AWS account. This is only needed when you are using temporary credentials.",
          "type": "string"
        },
        "profile_name": {
          "title": "Profile Name",
          "description": "The profile to use when creating your session.",
          "type": "string"
        },
        "region_name": {
          "title": "Region Name",
          "description": "The AWS Region where you want to create new connections.",
          "type": "string"
        }
      },
      "block_type_slug": "aws-credentials",
      "secret_fields": [
        "aws_secret_access_key"
      ],
      "block_schema_references": {}
    }
  }
];

describe("blockSchemaChecksum", () => {
  it.each(PUBLISHED.map((p) => [p.slug, p] as const))("gives Prefect's checksum for %s", (_slug, p) => {
    expect(blockSchemaChecksum(p.fields as Record<string, unknown>)).toBe(p.checksum);
  });

  it("ignores secret_fields and block definitions, as Prefect does", () => {
    const base = { title: "T", properties: { a: { type: "string" } } };
    expect(blockSchemaChecksum({ ...base, secret_fields: ["a"] })).toBe(blockSchemaChecksum(base));
    expect(blockSchemaChecksum({ ...base, definitions: { B: { block_type_slug: "b" } } })).toBe(blockSchemaChecksum(base));
    expect(blockSchemaChecksum({ ...base, properties: { a: { $ref: "#/definitions/E" } }, definitions: { E: { enum: [1] } } })).not.toBe(
      blockSchemaChecksum({ ...base, properties: { a: { $ref: "#/definitions/E" } } }),
    );
  });

  it("serialises as Python's json.dumps with sort_keys", () => {
    expect(pythonJson({ b: [1, 2.5, null], a: "é\u007f\"", c: { z: true } })).toBe('{"a": "\\u00e9\\u007f\\"", "b": [1, 2.5, null], "c": {"z": true}}');
    expect(pythonJson([1e-5, 1e16 + 0.5, 0.0001])).toBe("[1e-05, 1e+16, 0.0001]");
  });
});
