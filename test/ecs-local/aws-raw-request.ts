import { randomBytes } from "node:crypto";

/**
 * Raw requests, for inputs the SDK would refuse to send (wrong types, garbage bodies). ecs-local
 * accepts any well-formed SigV4 signature, so a syntactically valid Authorization header is enough.
 */
export function sigv4Headers(service: string, region = "us-east-1"): Record<string, string> {
  return {
    authorization: `AWS4-HMAC-SHA256 Credential=test/20240101/${region}/${service}/aws4_request, SignedHeaders=host;x-amz-date, Signature=${randomBytes(32).toString("hex")}`,
    "x-amz-date": "20240101T000000Z",
  };
}

export interface RawAnswer {
  status: number;
  body: string;
  json: () => any;
}

export async function postJson(url: string, target: string, body: unknown, headers: Record<string, string> = sigv4Headers("ecs")): Promise<RawAnswer> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/x-amz-json-1.1", "x-amz-target": target, ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text, json: () => JSON.parse(text) };
}

export async function postQuery(url: string, params: Record<string, string>, service: string, headers: Record<string, string> = sigv4Headers(service)): Promise<RawAnswer> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded; charset=utf-8", ...headers },
    body: new URLSearchParams(params).toString(),
  });
  const text = await res.text();
  return { status: res.status, body: text, json: () => JSON.parse(text) };
}

export const ECS_TARGET = "AmazonEC2ContainerServiceV20141113";
