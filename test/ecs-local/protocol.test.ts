import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ECS_TARGET, postJson, postQuery, sigv4Headers } from "./aws-raw-request.js";
import { startFixture, type Fixture } from "./ecs-local-fixture.js";

let f: Fixture;

beforeAll(async () => {
  f = await startFixture();
});

afterAll(async () => {
  await f?.handle.close();
});

describe("protocol layer", () => {
  it("dispatches JSON 1.1 calls by X-Amz-Target and answers with a request id", async () => {
    const res = await fetch(f.handle.url, { method: "POST", headers: { "content-type": "application/x-amz-json-1.1", "x-amz-target": `${ECS_TARGET}.ListClusters`, ...sigv4Headers("ecs") }, body: "{}" });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/x-amz-json-1.1");
    expect(res.headers.get("x-amzn-requestid")).toMatch(/^[0-9a-f-]{36}$/);
    expect(((await res.json()) as any).clusterArns).toHaveLength(1);
    // An empty body is an empty input.
    expect((await postJson(f.handle.url, `${ECS_TARGET}.ListClusters`, "")).status).toBe(200);
  });

  it("refuses unsigned and badly signed requests as AWS does", async () => {
    const unsigned = await postJson(f.handle.url, `${ECS_TARGET}.ListClusters`, {}, {});
    expect([unsigned.status, unsigned.json().__type]).toEqual([403, "MissingAuthenticationTokenException"]);
    const noSignature = await postJson(f.handle.url, `${ECS_TARGET}.ListClusters`, {}, { authorization: "AWS4-HMAC-SHA256 Credential=a/20240101/us-east-1/ecs/aws4_request", "x-amz-date": "20240101T000000Z" });
    expect([noSignature.status, noSignature.json().__type]).toEqual([403, "IncompleteSignatureException"]);
    const badScope = await postJson(f.handle.url, `${ECS_TARGET}.ListClusters`, {}, { ...sigv4Headers("ecs"), authorization: `AWS4-HMAC-SHA256 Credential=a/2024/us-east-1/ecs, SignedHeaders=host, Signature=${"0".repeat(64)}` });
    expect([badScope.status, badScope.json().__type]).toEqual([403, "IncompleteSignatureException"]);
    const query = await postQuery(f.handle.url, { Action: "GetCallerIdentity", Version: "2011-06-15" }, "sts", {});
    expect(query.status).toBe(403);
    expect(query.body).toContain("<Code>MissingAuthenticationToken</Code>");
  });

  it("answers unknown operations and unreadable bodies with AWS's protocol errors", async () => {
    const unknownTarget = await postJson(f.handle.url, `${ECS_TARGET}.StartTask`, {});
    expect([unknownTarget.status, unknownTarget.json().__type]).toEqual([400, "UnknownOperationException"]);
    const unknownPrefix = await postJson(f.handle.url, "DynamoDB_20120810.ListTables", {});
    expect([unknownPrefix.status, unknownPrefix.json().__type]).toEqual([400, "UnknownOperationException"]);
    const notObject = await postJson(f.handle.url, `${ECS_TARGET}.ListClusters`, "[1,2]");
    expect([notObject.status, notObject.json().__type]).toEqual([400, "SerializationException"]);
    const badAction = await postQuery(f.handle.url, { Action: "DeleteEverything", Version: "2010-05-08" }, "iam");
    expect(badAction.status).toBe(400);
    expect(badAction.body).toContain("<Code>InvalidAction</Code>");
    const noAction = await postQuery(f.handle.url, { Version: "2010-05-08" }, "iam");
    expect(noAction.body).toContain("<Code>MissingAction</Code>");
    const tooBig = await postJson(f.handle.url, `${ECS_TARGET}.ListClusters`, `{"x":"${"a".repeat(11 * 1024 * 1024)}"}`);
    expect([tooBig.status, tooBig.json().__type]).toEqual([413, "RequestEntityTooLargeException"]);
  });

  it("routes query calls by Action and the credential scope's service, in POST bodies and GET query strings", async () => {
    const sts = await postQuery(f.handle.url, { Action: "GetCallerIdentity", Version: "2011-06-15" }, "sts");
    expect(sts.status).toBe(200);
    expect(sts.body).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<GetCallerIdentityResponse xmlns="https:\/\/sts.amazonaws.com\/doc\/2011-06-15\/"><GetCallerIdentityResult>/);
    expect(sts.body).toMatch(/<ResponseMetadata><RequestId>[0-9a-f-]{36}<\/RequestId><\/ResponseMetadata><\/GetCallerIdentityResponse>$/);
    const get = await fetch(`${f.handle.url}/?Action=DescribeVpcs&Version=2016-11-15&Filter.1.Name=is-default&Filter.1.Value.1=true`, { headers: sigv4Headers("ec2") });
    const body = await get.text();
    expect(get.status).toBe(200);
    expect(body).toContain("<DescribeVpcsResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\"><requestId>");
    expect(body).toContain("<vpcSet><item><cidrBlock>172.31.0.0/16</cidrBlock>");
    const missing = await postQuery(f.handle.url, { Action: "GetRole", Version: "2010-05-08" }, "iam");
    expect(missing.status).toBe(400);
    expect(missing.body).toMatch(/<ErrorResponse xmlns="https:\/\/iam.amazonaws.com\/doc\/2010-05-08\/"><Error><Type>Sender<\/Type><Code>ValidationError<\/Code>/);
    const ec2Error = await postQuery(f.handle.url, { Action: "DescribeSubnets", Version: "2016-11-15", "SubnetId.1": "subnet-0123456789abcdef0" }, "ec2");
    expect(ec2Error.body).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<Response><Errors><Error><Code>InvalidSubnetID.NotFound<\/Code><Message>The subnet ID 'subnet-0123456789abcdef0' does not exist<\/Message><\/Error><\/Errors><RequestID>/);
  });

  it("serves the admin API beside AWS's, refusing bad settings with 400", async () => {
    const health = (await (await fetch(`${f.handle.url}/_ecs-local/health`)).json()) as any;
    expect(health.status).toBe("ok");
    const put = await fetch(`${f.handle.url}/_ecs-local/faults`, { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify({ rules: [{ kind: "throttle", operation: "ListClusters", count: 1 }] }) });
    expect(put.status).toBe(200);
    const throttled = await postJson(f.handle.url, `${ECS_TARGET}.ListClusters`, {});
    expect([throttled.status, throttled.json().__type, throttled.json().message]).toEqual([400, "ThrottlingException", "Rate exceeded"]);
    expect((await postJson(f.handle.url, `${ECS_TARGET}.ListClusters`, {})).status).toBe(200);
    const faults = (await (await fetch(`${f.handle.url}/_ecs-local/faults`)).json()) as any;
    expect(faults.rules).toEqual([{ kind: "throttle", operation: "ListClusters", count: 1, fired: 1 }]);
    const bad = await fetch(`${f.handle.url}/_ecs-local/faults`, { method: "PUT", body: JSON.stringify({ rules: [{ kind: "meteor" }] }), headers: { "content-type": "application/json" } });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as any).error).toMatch(/Fault kind/);
    const limits = await fetch(`${f.handle.url}/_ecs-local/limits`, { method: "PUT", body: JSON.stringify({ enabled: false, buckets: { describeTasks: { burst: 50, ratePerSecond: 10 } } }), headers: { "content-type": "application/json" } });
    expect(((await limits.json()) as any).buckets.describeTasks).toMatchObject({ burst: 50, ratePerSecond: 10 });
    const settings = await fetch(`${f.handle.url}/_ecs-local/settings`, { method: "PUT", body: JSON.stringify({ provisioningDelayMs: { min: 5, max: 1 } }), headers: { "content-type": "application/json" } });
    expect(settings.status).toBe(400);
    const counters = (await (await fetch(`${f.handle.url}/_ecs-local/counters`)).json()) as any;
    expect(counters.calls["ecs:ListClusters"]).toBeGreaterThanOrEqual(3);
    expect(counters.errors.ThrottlingException).toBe(1);
    expect((await fetch(`${f.handle.url}/_ecs-local/counters`, { method: "DELETE" })).status).toBe(200);
    expect(((await (await fetch(`${f.handle.url}/_ecs-local/counters`)).json()) as any).calls).toEqual({});
    expect((await fetch(`${f.handle.url}/_ecs-local/tasks/nope`)).status).toBe(404);
  });
});
