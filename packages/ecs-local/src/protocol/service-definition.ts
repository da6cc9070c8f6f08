export type WireProtocol = "json" | "query" | "ec2";

/** What every operation handler knows about the call besides its input. */
export interface OperationContext {
  requestId: string;
  region: string;
  accountId: string;
  /** The access key from the SigV4 credential scope. */
  accessKeyId: string;
  /** Milliseconds since the epoch, read once per request. */
  now: number;
}

/**
 * JSON services get the decoded, schema-checked body; query services get the form parameters as a
 * nested object (`Filter.1.Value.1` → `{ Filter: [{ Value: ["…"] }] }`). The result is the output
 * body in wire names: JSON-ready for JSON services, XML-ready for query services.
 */
export type OperationHandler = (input: any, ctx: OperationContext) => unknown;

export interface ErrorCode {
  code: string;
  status: number;
}

export interface ServiceDefinition {
  /** The SigV4 signing name, e.g. "ecs", "logs", "ec2". */
  name: string;
  protocol: WireProtocol;
  /** JSON 1.1: the X-Amz-Target prefix, e.g. "AmazonEC2ContainerServiceV20141113". */
  targetPrefix?: string;
  /** Query/EC2: the XML namespace of responses. */
  xmlNamespace?: string;
  errors: {
    missingParameter: ErrorCode;
    invalidType: ErrorCode;
    throttling: ErrorCode;
    serverError: ErrorCode;
  };
  operations: Record<string, OperationHandler>;
}
