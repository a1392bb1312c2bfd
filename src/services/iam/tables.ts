import { rowChecks, type ValueShape } from "../../core/store/rowShapes.js";

/** IAM's tables (model.ts `T`) as a snapshot may hold them; keys as model.ts documents them. */
const inline: ValueShape = { PolicyName: "string", PolicyDocument: "string" };
const attachment: ValueShape = { PolicyArn: "string", PolicyName: "string" };
const membership: ValueShape = { GroupId: "string", GroupName: "string", UserId: "string", UserName: "string" };
const accessKey: ValueShape = { account: "string", "UserName?": "string", "UserId?": "string", AccessKeyId: "string", SecretAccessKey: "string", Status: "string", CreateDate: "string" };
const tags: Record<string, ValueShape> = { "Tags?": [{ Key: "string", Value: "string" }] };

export const tables = rowChecks({
  groups: { key: "{account}/*", value: { GroupName: "string", GroupId: "string", Path: "string", CreateDate: "string" } },
  users: { key: "{account}/*", value: { UserName: "string", UserId: "string", Path: "string", CreateDate: "string", "PermissionsBoundary?": "string", ...tags } },
  groupMembers: { key: "{account}/*/*", value: membership },
  userGroups: { key: "{account}/*/*", value: membership },
  groupPolicies: { key: "{account}/*/*", value: inline },
  userPolicies: { key: "{account}/*/*", value: inline },
  rolePolicies: { key: "{account}/*/*", value: inline },
  groupAttached: { key: "{account}/*/**", value: attachment },
  userAttached: { key: "{account}/*/**", value: attachment },
  roleAttached: { key: "{account}/*/**", value: attachment },
  policies: {
    key: "{account}/*",
    value: {
      PolicyName: "string", PolicyId: "string", Arn: "string", Path: "string", PolicyDocument: "string", AttachmentCount: "number",
      CreateDate: "string", UpdateDate: "string", "Versions?": [{ VersionId: "string", Document: "string", CreateDate: "string" }],
      "DefaultVersionId?": "string", "NextVersion?": "number", "PermissionsBoundaryUsageCount?": "number", ...tags,
    },
  },
  accessKeys: { key: "{account}/*/{keyId}", value: accessKey },
  accessKeyIndex: { key: "{keyId}", value: accessKey },
  accessKeyLastUsed: { key: "{keyId}", value: { "LastUsedDate?": "string", "ServiceName?": "string", "Region?": "string" } },
  awsPolicyAttachments: { key: "{account}/**", value: "number" },
  awsPolicyBoundaries: { key: "{account}/**", value: "number" },
  roles: { key: "{account}/*", value: { RoleName: "string", RoleId: "string", Path: "string", CreateDate: "string", AssumeRolePolicyDocument: "string", "MaxSessionDuration?": "number", "RoleLastUsed?": "object", ...tags } },
  instanceProfiles: { key: "{account}/*", value: { InstanceProfileName: "string", InstanceProfileId: "string", Path: "string", CreateDate: "string", "RoleName?": "string", ...tags } },
  roleProfiles: { key: "{account}/*/*", value: { InstanceProfileName: "string" } },
  slrDeletions: { key: "{account}/**", value: { RoleName: "string", Service: "string", Status: "string" } },
  policyUses: { key: "{account}/**", value: { type: "string", id: "string", name: "string", usage: "string" } },
  loginProfiles: { key: "{account}/*/", value: { UserId: "string", CreateDate: "string" } },
  sshKeys: { key: "{account}/*/*", value: { SSHPublicKeyId: "string", Body: "string", Fingerprint: "string", Status: "string", UploadDate: "string" } },
  signingCerts: { key: "{account}/*/*", value: { CertificateId: "string", CertificateBody: "string", Status: "string", UploadDate: "string" } },
  serviceCreds: { key: "{account}/*/*", value: { ServiceSpecificCredentialId: "string", UserId: "string", UserName: "string", ServiceName: "string", Status: "string", CreateDate: "string" } },
  userMfa: { key: "{account}/*/**", value: { SerialNumber: "string", EnableDate: "string" } },
  mfaDevices: { key: "{account}/**", value: { SerialNumber: "string", Path: "string", Name: "string", Seed: "string", CreateDate: "string", "UserId?": "string", "UserName?": "string", ...tags } },
  serverCerts: { key: "{account}/*", value: { ServerCertificateName: "string", ServerCertificateId: "string", Path: "string", CertificateBody: "string", UploadDate: "string", ...tags } },
  oidcProviders: { key: "{account}/**", value: { Url: "string", ClientIDList: ["string"], ThumbprintList: ["string"], CreateDate: "string", ...tags } },
  samlProviders: { key: "{account}/*", value: { Name: "string", SAMLMetadataDocument: "string", CreateDate: "string", ...tags } },
  // Account settings, one row each.
  account: [
    { key: "{account}/alias", value: "string" },
    { key: "{account}/passwordPolicy", value: "object" },
    { key: "{account}/globalEndpointTokenVersion", value: "string" },
    { key: "{account}/credentialReport", value: { GeneratedTime: "string", Content: "string" } },
    { key: "{account}/outboundWebIdentityFederation", value: { IssuerIdentifier: "string", JwtVendingEnabled: "boolean" } },
  ],
  aliasIndex: { key: "*", value: "string" },
});
