import type { GetCallerIdentityRequest, GetCallerIdentityResponse } from "@aws-sdk/client-sts";
import type { Handler, ServiceDefinition } from "../../core/service.js";
import { authorization } from "./authorization.js";

/** The identity behind the request's access key: the account root, or an IAM user. */
const GetCallerIdentity: Handler<GetCallerIdentityRequest, GetCallerIdentityResponse> = async (_input, ctx) => ({
  UserId: ctx.principal.userId,
  Account: ctx.account,
  Arn: ctx.principal.arn,
});

export const sts: ServiceDefinition = {
  name: "sts",
  title: "STS",
  signingName: "sts",
  protocol: "awsQuery",
  global: false,
  apiVersion: "2011-06-15",
  xmlNamespace: "https://sts.amazonaws.com/doc/2011-06-15/",
  hostPrefixes: ["sts"],
  validationErrorCode: "ValidationError",
  internalErrorCode: "InternalFailure",
  loadSchemas: () => import("@aws-sdk/client-sts"),
  // STS allows 15 minutes of clock skew (SPEC §8).
  signatureWindowMinutes: 15,
  handlers: { GetCallerIdentity },
  authorization,
};
