// STS GetCallerIdentity at worker start: says which AWS account and identity the worker acts as,
// and explains missing or wrong credentials before the first run needs them.

import { GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import type { AwsClientSet } from "./aws-clients.js";

export interface CallerIdentity {
  account?: string;
  arn?: string;
}

export async function getCallerIdentity(clients: AwsClientSet): Promise<CallerIdentity> {
  const out = await clients.sts.send(new GetCallerIdentityCommand({}));
  return { account: out.Account, arn: out.Arn };
}
