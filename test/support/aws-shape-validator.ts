import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseXml, type XmlNode } from "./aws-xml.js";

/**
 * Checks answers against botocore's service models (`../shared/reference/aws/<service>/service-2.json`):
 * every member known and of the model's type, required members present, enum values allowed, XML
 * element names as the protocol names them, and every error code one the operation lists (or one of
 * AWS's common errors). The models are read where they exist; callers skip visibly where they do not.
 */
const REPO_ROOT = resolve(import.meta.dirname, "../..");
/**
 * `<repo>/../shared/reference/aws`; a git worktree kept at `<parent>/wt/<name>` looks two levels up,
 * and ECSFLOW_REFERENCE_DIR (the `reference` folder) overrides both.
 */
const CANDIDATES = [process.env.ECSFLOW_REFERENCE_DIR, resolve(REPO_ROOT, "../shared/reference"), resolve(REPO_ROOT, "../../shared/reference")]
  .filter((d): d is string => !!d)
  .map((d) => join(d, "aws"));
export const REFERENCE_ROOT = CANDIDATES.find((d) => existsSync(join(d, "ecs", "service-2.json"))) ?? CANDIDATES[0];
export const referenceAvailable = existsSync(join(REFERENCE_ROOT, "ecs", "service-2.json"));

interface Shape {
  type: string;
  members?: Record<string, { shape: string; locationName?: string; flattened?: boolean }>;
  required?: string[];
  member?: { shape: string; locationName?: string };
  key?: { shape: string };
  value?: { shape: string };
  enum?: string[];
  flattened?: boolean;
  error?: { code?: string };
  exception?: boolean;
}

export interface ServiceModel {
  metadata: { protocol: string };
  operations: Record<string, { output?: { shape: string; resultWrapper?: string }; errors?: { shape: string }[] }>;
  shapes: Record<string, Shape>;
}

const cache = new Map<string, ServiceModel>();

export function loadModel(service: string): ServiceModel {
  let model = cache.get(service);
  if (!model) {
    model = JSON.parse(readFileSync(join(REFERENCE_ROOT, service, "service-2.json"), "utf8")) as ServiceModel;
    cache.set(service, model);
  }
  return model;
}

/**
 * Errors any AWS operation may answer (AWS's "common errors"), plus the JSON front end's
 * SerializationException/UnknownOperationException, which the models do not list per operation.
 */
export const COMMON_ERRORS = new Set([
  "AccessDeniedException",
  "IncompleteSignature",
  "IncompleteSignatureException",
  "InternalFailure",
  "InvalidAction",
  "InvalidClientTokenId",
  "InvalidParameterCombination",
  "InvalidParameterValue",
  "InvalidQueryParameter",
  "MalformedQueryString",
  "MissingAction",
  "MissingAuthenticationToken",
  "MissingAuthenticationTokenException",
  "MissingParameter",
  "NotAuthorized",
  "OptInRequired",
  "RequestExpired",
  "ServiceUnavailable",
  "ThrottlingException",
  "Throttling",
  "ValidationError",
  "SerializationException",
  "UnknownOperationException",
  "RequestEntityTooLargeException",
]);

/** EC2's model lists no errors; these codes come from EC2's error code reference. */
const EC2_ERRORS = ["InvalidVpcID.NotFound", "InvalidVpcID.Malformed", "InvalidSubnetID.NotFound", "InvalidSubnetID.Malformed", "InvalidGroup.NotFound", "InvalidGroupId.Malformed", "DryRunOperation", "RequestLimitExceeded", "InternalError", "Unavailable"];

/** Errors newer than this botocore copy; the AWS SDK v3 models (the newer truth) list them. */
const NEWER_THAN_MODEL: Record<string, string[]> = { "ecs:RunTask": ["ConflictException"] };

export function allowedErrorCodes(service: string, operation: string): Set<string> {
  const model = loadModel(service);
  const allowed = new Set(COMMON_ERRORS);
  for (const e of model.operations[operation]?.errors ?? []) {
    allowed.add(e.shape);
    const code = model.shapes[e.shape]?.error?.code;
    if (code) allowed.add(code);
  }
  if (service === "ec2") for (const c of EC2_ERRORS) allowed.add(c);
  for (const c of NEWER_THAN_MODEL[`${service}:${operation}`] ?? []) allowed.add(c);
  return allowed;
}

export interface ExchangeLike {
  service: string;
  operation: string;
  protocol: "json" | "query" | "ec2";
  httpStatus: number;
  body: string;
  errorCode?: string;
}

/** Problems with one answer; empty when it matches the model. */
export function validateExchange(e: ExchangeLike): string[] {
  const model = loadModel(e.service);
  const op = model.operations[e.operation];
  if (!op) return [`${e.service}:${e.operation} is not in the model`];
  const where = `${e.service}:${e.operation}`;
  if (e.httpStatus >= 300) return validateError(e, where);
  if (e.protocol === "json") {
    let body: unknown;
    try {
      body = JSON.parse(e.body);
    } catch {
      return [`${where}: body is not JSON`];
    }
    if (!op.output) return isEmptyObject(body) ? [] : [`${where}: the model has no output, got ${e.body.slice(0, 80)}`];
    return checkJson(model, op.output.shape, body, where);
  }
  const root = parseXml(e.body);
  const problems: string[] = [];
  if (root.name !== `${e.operation}Response`) problems.push(`${where}: root element is <${root.name}>`);
  if (e.protocol === "ec2") {
    const rest = root.children.filter((c) => c.name !== "requestId");
    if (!root.children.some((c) => c.name === "requestId")) problems.push(`${where}: no <requestId>`);
    if (op.output) problems.push(...checkXmlStruct(model, op.output.shape, rest, where, "item"));
    else if (rest.length > 0) problems.push(`${where}: the model has no output`);
    return problems;
  }
  const meta = root.children.find((c) => c.name === "ResponseMetadata");
  if (!meta?.children.some((c) => c.name === "RequestId")) problems.push(`${where}: no <ResponseMetadata><RequestId>`);
  const result = root.children.filter((c) => c.name !== "ResponseMetadata");
  if (op.output) {
    const wrapper = op.output.resultWrapper ?? `${e.operation}Result`;
    if (result.length !== 1 || result[0].name !== wrapper) problems.push(`${where}: expected one <${wrapper}>`);
    else problems.push(...checkXmlStruct(model, op.output.shape, result[0].children, `${where}.${wrapper}`, "member"));
  } else if (result.length > 0) {
    problems.push(`${where}: the model has no output, got <${result[0].name}>`);
  }
  return problems;
}

function validateError(e: ExchangeLike, where: string): string[] {
  const problems: string[] = [];
  let code: string | undefined;
  if (e.protocol === "json") {
    const body = JSON.parse(e.body) as { __type?: string; message?: string; Message?: string };
    code = body.__type?.split("#").pop();
    if (typeof (body.message ?? body.Message) !== "string") problems.push(`${where}: error without a message`);
  } else {
    const root = parseXml(e.body);
    const error = e.protocol === "ec2" ? root.children.find((c) => c.name === "Errors")?.children.find((c) => c.name === "Error") : root.children.find((c) => c.name === "Error");
    if (root.name !== (e.protocol === "ec2" ? "Response" : "ErrorResponse")) problems.push(`${where}: error root is <${root.name}>`);
    code = error?.children.find((c) => c.name === "Code")?.text;
    if (!error?.children.some((c) => c.name === "Message")) problems.push(`${where}: error without <Message>`);
    if (e.protocol === "query" && !["Sender", "Receiver"].includes(error?.children.find((c) => c.name === "Type")?.text ?? "")) problems.push(`${where}: error <Type> must be Sender or Receiver`);
  }
  if (!code) return [...problems, `${where}: error without a code`];
  if (!allowedErrorCodes(e.service, e.operation).has(code)) problems.push(`${where}: error ${code} is not one the operation lists`);
  return problems;
}

function isEmptyObject(v: unknown): boolean {
  return !!v && typeof v === "object" && !Array.isArray(v) && Object.keys(v).length === 0;
}

function checkJson(model: ServiceModel, shapeName: string, value: unknown, path: string): string[] {
  const shape = model.shapes[shapeName];
  const problems: string[] = [];
  switch (shape.type) {
    case "structure": {
      if (!value || typeof value !== "object" || Array.isArray(value)) return [`${path}: expected an object`];
      const obj = value as Record<string, unknown>;
      for (const r of shape.required ?? []) if (obj[r] === undefined) problems.push(`${path}.${r}: required member missing`);
      for (const [k, v] of Object.entries(obj)) {
        const member = shape.members?.[k];
        if (!member) problems.push(`${path}.${k}: not a member of ${shapeName}`);
        else if (v !== null) problems.push(...checkJson(model, member.shape, v, `${path}.${k}`));
      }
      return problems;
    }
    case "list":
      if (!Array.isArray(value)) return [`${path}: expected a list`];
      value.forEach((v, i) => problems.push(...checkJson(model, shape.member!.shape, v, `${path}[${i}]`)));
      return problems;
    case "map":
      if (!value || typeof value !== "object" || Array.isArray(value)) return [`${path}: expected a map`];
      for (const [k, v] of Object.entries(value)) problems.push(...checkJson(model, shape.value!.shape, v, `${path}.${k}`));
      return problems;
    case "string":
      if (typeof value !== "string") return [`${path}: expected a string`];
      return shape.enum && !shape.enum.includes(value) ? [`${path}: ${value} is not one of ${shape.enum.join(", ")}`] : [];
    case "integer":
    case "long":
      return Number.isInteger(value) ? [] : [`${path}: expected an integer`];
    case "float":
    case "double":
      return typeof value === "number" ? [] : [`${path}: expected a number`];
    case "boolean":
      return typeof value === "boolean" ? [] : [`${path}: expected a boolean`];
    case "timestamp":
      return typeof value === "number" ? [] : [`${path}: expected epoch seconds`];
    case "blob":
      return typeof value === "string" && /^[A-Za-z0-9+/]*={0,2}$/.test(value) ? [] : [`${path}: expected base64`];
    default:
      return [`${path}: unhandled shape type ${shape.type}`];
  }
}

function checkXmlStruct(model: ServiceModel, shapeName: string, children: XmlNode[], path: string, defaultItem: "member" | "item"): string[] {
  const shape = model.shapes[shapeName];
  const problems: string[] = [];
  const byElement = new Map<string, { name: string; shape: string }>();
  for (const [name, m] of Object.entries(shape.members ?? {})) byElement.set(m.locationName ?? name, { name, shape: m.shape });
  const seen = new Set<string>();
  for (const child of children) {
    const member = byElement.get(child.name);
    if (!member) {
      problems.push(`${path}: <${child.name}> is not a member of ${shapeName}`);
      continue;
    }
    seen.add(member.name);
    problems.push(...checkXmlValue(model, member.shape, child, `${path}.${child.name}`, defaultItem));
  }
  for (const r of shape.required ?? []) if (!seen.has(r)) problems.push(`${path}.${r}: required member missing`);
  return problems;
}

function checkXmlValue(model: ServiceModel, shapeName: string, node: XmlNode, path: string, defaultItem: "member" | "item"): string[] {
  const shape = model.shapes[shapeName];
  const text = node.text.trim();
  switch (shape.type) {
    case "structure":
      return checkXmlStruct(model, shapeName, node.children, path, defaultItem);
    case "list": {
      const item = shape.member!.locationName ?? defaultItem;
      return node.children.flatMap((c, i) => (c.name !== item ? [`${path}: list entry <${c.name}>, expected <${item}>`] : checkXmlValue(model, shape.member!.shape, c, `${path}[${i}]`, defaultItem)));
    }
    case "map":
      return node.children.flatMap((entry, i) => {
        const value = entry.children.find((c) => c.name === "value");
        return entry.name !== "entry" || !value ? [`${path}[${i}]: expected <entry><key/><value/></entry>`] : checkXmlValue(model, shape.value!.shape, value, `${path}[${i}]`, defaultItem);
      });
    case "string":
      return shape.enum && !shape.enum.includes(node.text) ? [`${path}: ${node.text} is not one of ${shape.enum.join(", ")}`] : [];
    case "integer":
    case "long":
      return /^-?\d+$/.test(text) ? [] : [`${path}: expected an integer, got ${text}`];
    case "float":
    case "double":
      return Number.isFinite(Number(text)) && text !== "" ? [] : [`${path}: expected a number`];
    case "boolean":
      return text === "true" || text === "false" ? [] : [`${path}: expected true or false, got ${text}`];
    case "timestamp":
      return /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(text) ? [] : [`${path}: expected an ISO-8601 timestamp, got ${text}`];
    case "blob":
      return /^[A-Za-z0-9+/]*={0,2}$/.test(text) ? [] : [`${path}: expected base64`];
    default:
      return [`${path}: unhandled shape type ${shape.type}`];
  }
}

/** Operations ecs-local implements that this botocore copy predates (the SDK v3 models have them). */
export const OPERATIONS_NEWER_THAN_MODEL = new Set(["ecs:DeleteTaskDefinitions"]);

/** Validates many answers: problems found, and which operations the model does not know. */
export function validateExchanges(exchanges: ExchangeLike[]): { problems: string[]; notInModel: Set<string>; checked: number } {
  const problems: string[] = [];
  const notInModel = new Set<string>();
  let checked = 0;
  for (const e of exchanges) {
    if (!loadModel(e.service).operations[e.operation]) {
      notInModel.add(`${e.service}:${e.operation}`);
      continue;
    }
    checked++;
    problems.push(...validateExchange(e));
  }
  return { problems: [...new Set(problems)], notInModel, checked };
}
