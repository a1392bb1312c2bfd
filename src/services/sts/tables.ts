import { rowChecks } from "../../core/store/rowShapes.js";

/** STS's tables as a snapshot may hold them (sessions.ts, outboundTokens.ts). */
export const tables = rowChecks({
  sessions: {
    key: "{keyId}",
    value: { AccessKeyId: "string", SecretAccessKey: "string", SessionToken: "string", principal: { type: "string", account: "string", arn: "string", userId: "string", "session?": "object" } },
  },
  tokenKeys: { key: "{account}/*", value: { kid: "string", privateKey: "string", publicJwk: "object" } },
});
