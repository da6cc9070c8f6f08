import { randomUUID } from "node:crypto";
import type { Logger } from "pino";
import { AwsError } from "../errors.js";
import type { Exchange } from "../options.js";
import { parseQueryParams } from "./query-params.js";
import { operationInputSchema } from "./sdk-operation-schemas.js";
import type { OperationContext, ServiceDefinition, WireProtocol } from "./service-definition.js";
import { readCredentialScope, type CredentialScope } from "./sigv4-credential-scope.js";
import { validateJsonInput } from "./validate-json-input.js";
import { escapeXml, xmlChildren } from "./xml-writer.js";

export interface RawRequest {
  method: string;
  /** Path and query string. */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** A call about to run: guards (counters, faults, token buckets) see it before the handler. */
export interface CallInfo {
  service: string;
  operation: string;
  input: Record<string, unknown>;
}

export interface DispatcherOptions {
  services: ServiceDefinition[];
  region: string;
  accountId: string;
  logger: Logger;
  /** Run in order before input validation; throw AwsError to answer with it. */
  guards: ((call: CallInfo, service: ServiceDefinition) => void)[];
  observer?: (exchange: Exchange) => void;
  /** Called with the code of every error answered. */
  onError?: (code: string) => void;
  /** Refuses a request whose credentials ecs-local does not accept (see AccessControl). */
  authenticate?: (scope: CredentialScope, req: RawRequest) => { kind: "unknown-key" | "bad-signature"; message: string } | undefined;
}

interface Resolved {
  service: ServiceDefinition;
  operation: string;
  input: Record<string, unknown>;
}

/**
 * The protocol layer: finds the service and operation (X-Amz-Target for JSON 1.1, Action for query
 * and EC2, the SigV4 credential scope when an Action name is shared), checks the input, runs the
 * handler and writes the answer, or the error, in the shape that service's protocol uses.
 */
export class AwsRequestDispatcher {
  private readonly byTarget = new Map<string, ServiceDefinition>();
  private readonly byName = new Map<string, ServiceDefinition>();

  constructor(private readonly options: DispatcherOptions) {
    for (const s of options.services) {
      this.byName.set(s.name, s);
      if (s.targetPrefix) this.byTarget.set(s.targetPrefix, s);
    }
  }

  async dispatch(req: RawRequest): Promise<RawResponse> {
    const requestId = randomUUID();
    const qIndex = req.url.indexOf("?");
    const query = new URLSearchParams(qIndex >= 0 ? req.url.slice(qIndex + 1) : "");
    // Until the service is known, errors are answered in the protocol the request looks like.
    const target = header(req.headers, "x-amz-target");
    let protocol: WireProtocol = target || !isForm(req) ? "json" : "query";
    let service: ServiceDefinition | undefined;
    let operation = "";
    try {
      const scope = readCredentialScope(req.headers, query);
      if (!scope.ok) {
        throw new AwsError(
          scope.reason === "missing" ? (protocol === "json" ? "MissingAuthenticationTokenException" : "MissingAuthenticationToken") : protocol === "json" ? "IncompleteSignatureException" : "IncompleteSignature",
          scope.message,
          403,
        );
      }
      const refused = this.options.authenticate?.(scope.scope, req);
      if (refused) {
        // The codes AWS answers with: JSON services, then the query ones (STS, IAM), then EC2's.
        const codes = refused.kind === "unknown-key" ? ["UnrecognizedClientException", "InvalidClientTokenId", "AuthFailure"] : ["InvalidSignatureException", "SignatureDoesNotMatch", "AuthFailure"];
        const ec2 = protocol === "query" && scope.scope.service === "ec2";
        throw new AwsError(ec2 ? codes[2] : protocol === "json" ? codes[0] : codes[1], refused.message, 403);
      }
      const resolved = this.resolve(req, target, query, scope.scope.service);
      service = resolved.service;
      protocol = service.protocol;
      operation = resolved.operation;
      const ctx: OperationContext = { requestId, region: this.options.region, accountId: this.options.accountId, accessKeyId: scope.scope.accessKeyId, now: Date.now() };
      for (const guard of this.options.guards) guard({ service: service.name, operation, input: resolved.input }, service);
      if (service.protocol === "json") {
        const schema = operationInputSchema(service.name, operation);
        if (schema) resolved.input = validateJsonInput(schema, resolved.input, { missing: service.errors.missingParameter.code, wrongType: service.errors.invalidType.code });
      }
      const handler = service.operations[operation];
      const output = (await handler(resolved.input, ctx)) as Record<string, unknown> | undefined;
      const res = this.writeResult(service, operation, output ?? {}, requestId);
      this.observe(service, operation, res);
      return res;
    } catch (err) {
      let error: AwsError;
      if (err instanceof AwsError) {
        error = err;
      } else {
        // A bug of ours: log it in full, answer the service's server fault without details.
        this.options.logger.error({ err, service: service?.name, operation }, "operation failed unexpectedly");
        const fault = service?.errors.serverError ?? { code: "InternalFailure", status: 500 };
        error = new AwsError(fault.code, "An internal error occurred.", fault.status);
      }
      const res = this.writeError(protocol, service, error, requestId);
      this.options.onError?.(error.code);
      if (service) this.observe(service, operation, res, error.code);
      return res;
    }
  }

  /** Answers a failure found before dispatch (body too large, unreadable), shaped like the request's protocol. */
  transportError(headers: RawRequest["headers"], error: AwsError): RawResponse {
    const form = (header(headers, "content-type") ?? "").toLowerCase().startsWith("application/x-www-form-urlencoded");
    this.options.onError?.(error.code);
    return this.writeError(header(headers, "x-amz-target") || !form ? "json" : "query", undefined, error, randomUUID());
  }

  private resolve(req: RawRequest, target: string | undefined, query: URLSearchParams, scopeService: string): Resolved {
    if (target) {
      const dot = target.lastIndexOf(".");
      const service = dot > 0 ? this.byTarget.get(target.slice(0, dot)) : undefined;
      const operation = dot > 0 ? target.slice(dot + 1) : "";
      if (!service || !Object.hasOwn(service.operations, operation)) {
        throw new AwsError("UnknownOperationException", `Operation ${target} is not supported by ecs-local.`, 400);
      }
      return { service, operation, input: parseJsonBody(req.body, service) };
    }
    if (isForm(req) || query.has("Action")) {
      const params = new URLSearchParams(query);
      if (isForm(req)) for (const [k, v] of new URLSearchParams(req.body)) params.append(k, v);
      const action = params.get("Action");
      if (!action) throw new AwsError("MissingAction", "The request must contain the parameter Action.", 400);
      const candidates = [this.byName.get(scopeService), ...this.byName.values()].filter(
        (s): s is ServiceDefinition => !!s && s.protocol !== "json" && Object.hasOwn(s.operations, action),
      );
      const service = candidates[0];
      if (!service) throw new AwsError("InvalidAction", `The action ${action} is not valid for this web service.`, 400);
      const input = parseQueryParams(params);
      if (!input) throw new AwsError(service.protocol === "ec2" ? "InvalidParameterValue" : "MalformedQueryString", "The query string is malformed.", 400);
      return { service, operation: action, input };
    }
    throw new AwsError("UnknownOperationException", "Requests need an X-Amz-Target header (JSON 1.1) or an Action parameter (query).", 400);
  }

  private writeResult(service: ServiceDefinition, operation: string, output: Record<string, unknown>, requestId: string): RawResponse {
    if (service.protocol === "json") {
      return { status: 200, headers: { "content-type": "application/x-amz-json-1.1", "x-amzn-requestid": requestId }, body: JSON.stringify(output) };
    }
    const ns = service.xmlNamespace ? ` xmlns="${service.xmlNamespace}"` : "";
    let body: string;
    if (service.protocol === "ec2") {
      body = `<${operation}Response${ns}><requestId>${requestId}</requestId>${xmlChildren(output, "item")}</${operation}Response>`;
    } else {
      const result = Object.keys(output).length > 0 ? `<${operation}Result>${xmlChildren(output, "member")}</${operation}Result>` : "";
      body = `<${operation}Response${ns}>${result}<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${operation}Response>`;
    }
    return { status: 200, headers: { "content-type": "text/xml", "x-amzn-requestid": requestId }, body: `<?xml version="1.0" encoding="UTF-8"?>\n${body}` };
  }

  private writeError(protocol: WireProtocol, service: ServiceDefinition | undefined, error: AwsError, requestId: string): RawResponse {
    const headers: Record<string, string> = { "x-amzn-requestid": requestId };
    if (protocol === "json") {
      headers["content-type"] = "application/x-amz-json-1.1";
      headers["x-amzn-errortype"] = error.code;
      return { status: error.httpStatus, headers, body: JSON.stringify({ __type: error.code, message: error.message, ...error.extra }) };
    }
    headers["content-type"] = "text/xml";
    const message = escapeXml(error.message);
    if (protocol === "ec2") {
      const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${escapeXml(error.code)}</Code><Message>${message}</Message></Error></Errors><RequestID>${requestId}</RequestID></Response>`;
      return { status: error.httpStatus, headers, body };
    }
    const ns = service?.xmlNamespace ? ` xmlns="${service.xmlNamespace}"` : "";
    const type = error.isServerFault ? "Receiver" : "Sender";
    const body = `<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse${ns}><Error><Type>${type}</Type><Code>${escapeXml(error.code)}</Code><Message>${message}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
    return { status: error.httpStatus, headers, body };
  }

  private observe(service: ServiceDefinition, operation: string, res: RawResponse, errorCode?: string): void {
    const observer = this.options.observer;
    if (!observer) return;
    try {
      observer({ service: service.name, operation, protocol: service.protocol, httpStatus: res.status, body: res.body, errorCode });
    } catch (err) {
      this.options.logger.warn({ err }, "response observer threw");
    }
  }
}

function header(headers: RawRequest["headers"], name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function isForm(req: RawRequest): boolean {
  return (header(req.headers, "content-type") ?? "").toLowerCase().startsWith("application/x-www-form-urlencoded");
}

function parseJsonBody(body: string, service: ServiceDefinition): Record<string, unknown> {
  if (body.trim() === "") return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new AwsError(service.errors.invalidType.code, "The request body is not valid JSON.", service.errors.invalidType.status);
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new AwsError(service.errors.invalidType.code, "The request body must be a JSON object.", service.errors.invalidType.status);
  }
  return parsed as Record<string, unknown>;
}
