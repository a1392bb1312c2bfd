import { randomUUID } from "node:crypto";
import type {
  CreateAccountAliasRequest,
  EnableOutboundWebIdentityFederationResponse,
  GetOutboundWebIdentityFederationInfoResponse,
  SetSecurityTokenServicePreferencesRequest,
  DeleteAccountAliasRequest,
  GetAccountSummaryResponse,
  ListAccountAliasesRequest,
  ListAccountAliasesResponse,
} from "@aws-sdk/client-iam";
import { AwsError } from "../../core/errors.js";
import type { Handler, RequestContext } from "../../core/service.js";
import type { Transaction } from "../../core/store/store.js";
import { limitExceeded, type PolicyRecord, T } from "./model.js";
import * as check from "./validation.js";
import { invalidMarker } from "./pages.js";

/** Account aliases (one per account, unique across accounts) and GetAccountSummary. */

const aliasKey = (account: string) => `${account}/alias`;

export const readAlias = (tx: Transaction, account: string) => tx.get<string>(T.account, aliasKey(account));

const ALIAS_PATTERN = /^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$/;

const aliasMember = (v: ReturnType<typeof check.iamValidator>, value: string | undefined) =>
  v.length(value, "AccountAlias", 3, 63).pattern(value, "AccountAlias", ALIAS_PATTERN, "^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$");

export const CreateAccountAlias: Handler<CreateAccountAliasRequest, Record<string, never>> = async (input, ctx) => {
  const v = check.iamValidator();
  aliasMember(v, input.AccountAlias);
  v.check();
  const alias = input.AccountAlias!;
  return ctx.transaction(async (tx) => {
    const owner = await tx.get<string>(T.aliasIndex, alias);
    const current = await readAlias(tx, ctx.account);
    // Setting the alias the account already has succeeds (Terraform re-applies it).
    if (owner === ctx.account && current === alias) return {};
    if (owner !== undefined) throw new AwsError("EntityAlreadyExists", `The account alias ${alias} already exists.`);
    if (current !== undefined) throw limitExceeded("AccountAliasesPerAccount", 1);
    await tx.put(T.account, aliasKey(ctx.account), alias);
    await tx.put(T.aliasIndex, alias, ctx.account);
    return {};
  });
};

export const DeleteAccountAlias: Handler<DeleteAccountAliasRequest, Record<string, never>> = async (input, ctx) => {
  const v = check.iamValidator();
  aliasMember(v, input.AccountAlias);
  v.check();
  return ctx.transaction(async (tx) => {
    if ((await readAlias(tx, ctx.account)) !== input.AccountAlias) {
      throw new AwsError("NoSuchEntity", `The account alias ${input.AccountAlias} cannot be found.`);
    }
    await tx.delete(T.account, aliasKey(ctx.account));
    await tx.delete(T.aliasIndex, input.AccountAlias!);
    return {};
  });
};

/** At most one alias: the marker never appears. */
export const ListAccountAliases: Handler<ListAccountAliasesRequest, ListAccountAliasesResponse> = async (input, ctx) => {
  const v = check.iamValidator();
  check.maxItems(v, input.MaxItems);
  check.marker(v, input.Marker);
  v.check();
  // At most one alias: the list is never truncated, so no Marker is one IAM issued.
  if (input.Marker !== undefined) throw invalidMarker();
  return ctx.transaction(async (tx) => {
    const alias = await readAlias(tx, ctx.account);
    return { AccountAliases: alias === undefined ? [] : [alias], IsTruncated: false };
  });
};

/** Every key of SummaryMap: counts of what exists now, quotas as configured. */
export async function accountSummary(tx: Transaction, ctx: RequestContext): Promise<Record<string, number>> {
  const acct = `${ctx.account}/`;
  const count = (table: string) => tx.count(table, acct);
  const q = (name: string, fallback: number) => {
    const n = ctx.quota(name);
    return Number.isFinite(n) ? n : fallback;
  };
  let versionsInUse = 0;
  for (const [, p] of await tx.scan<PolicyRecord>(T.policies, { prefix: acct, limit: 100_000 })) {
    if (p.AttachmentCount > 0 || (p.PermissionsBoundaryUsageCount ?? 0) > 0) versionsInUse += p.Versions?.length ?? 1;
  }
  const mfaRows = await tx.scan<{ UserId?: string }>(T.mfaDevices, { prefix: acct, limit: 100_000 });
  const rootKeys = await tx.count(T.accessKeys, `${ctx.account}/root/`);
  const rootCerts = await tx.count(T.signingCerts, `${ctx.account}/root/`);
  return {
    Users: await count(T.users),
    UsersQuota: q("UsersPerAccount", 5000),
    Groups: await count(T.groups),
    GroupsQuota: q("GroupsPerAccount", 300),
    Roles: await count(T.roles),
    RolesQuota: q("RolesPerAccount", 1000),
    Policies: await count(T.policies),
    PoliciesQuota: q("PoliciesPerAccount", 1500),
    InstanceProfiles: await count(T.instanceProfiles),
    InstanceProfilesQuota: q("InstanceProfilesPerAccount", 1000),
    ServerCertificates: await count(T.serverCerts),
    ServerCertificatesQuota: q("ServerCertificatesPerAccount", 20),
    MFADevices: mfaRows.length,
    MFADevicesInUse: mfaRows.filter(([, d]) => d.UserId !== undefined).length,
    Providers: (await count(T.samlProviders)) + (await count(T.oidcProviders)),
    PolicyVersionsInUse: versionsInUse,
    PolicyVersionsInUseQuota: 10000,
    VersionsPerPolicyQuota: q("VersionsPerPolicy", 5),
    PolicySizeQuota: q("PolicySize", 6144),
    UserPolicySizeQuota: q("InlinePolicySizePerUser", 2048),
    GroupPolicySizeQuota: q("InlinePolicySizePerGroup", 5120),
    RolePolicySizeQuota: q("InlinePolicySizePerRole", 10240),
    AssumeRolePolicySizeQuota: q("ACLSizePerRole", 2048),
    AttachedPoliciesPerUserQuota: q("PoliciesPerUser", 10),
    AttachedPoliciesPerGroupQuota: q("PoliciesPerGroup", 10),
    AttachedPoliciesPerRoleQuota: q("PoliciesPerRole", 10),
    GroupsPerUserQuota: q("GroupsPerUser", 10),
    AccessKeysPerUserQuota: q("AccessKeysPerUser", 2),
    SigningCertificatesPerUserQuota: q("SigningCertificatesPerUser", 2),
    // The root has no console password or MFA device in nubis.
    AccountMFAEnabled: 0,
    AccountAccessKeysPresent: rootKeys > 0 ? 1 : 0,
    AccountSigningCertificatesPresent: rootCerts > 0 ? 1 : 0,
    AccountPasswordPresent: 0,
    GlobalEndpointTokenVersion: (await tx.get<string>(T.account, tokenVersionKey(ctx.account))) === "v2Token" ? 2 : 1,
  };
}

export const GetAccountSummary: Handler<Record<string, never>, GetAccountSummaryResponse> = async (_input, ctx) =>
  ctx.transaction(async (tx) => ({ SummaryMap: await accountSummary(tx, ctx) }));

/** STS preferences: which session tokens the global endpoint issues (v1: valid in default regions only). */
const tokenVersionKey = (account: string) => `${account}/globalEndpointTokenVersion`;

export const SetSecurityTokenServicePreferences: Handler<SetSecurityTokenServicePreferencesRequest, Record<string, never>> = async (input, ctx) => {
  const v = check.iamValidator();
  v.oneOf(input.GlobalEndpointTokenVersion, "GlobalEndpointTokenVersion", ["v1Token", "v2Token"]);
  v.check();
  return ctx.transaction(async (tx) => {
    await tx.put(T.account, tokenVersionKey(ctx.account), input.GlobalEndpointTokenVersion!);
    return {};
  });
};

/**
 * Outbound web identity federation (STS GetWebIdentityToken): an issuer URL made on the first
 * enable and kept across disable/enable, and whether tokens may be vended.
 */
interface OutboundFederation {
  IssuerIdentifier: string;
  JwtVendingEnabled: boolean;
}

const federationKey = (account: string) => `${account}/outboundWebIdentityFederation`;

/** For STS GetWebIdentityToken: the account's issuer when enabled. Reads only. */
export async function outboundFederation(tx: Transaction, account: string): Promise<OutboundFederation | undefined> {
  const f = await tx.get<OutboundFederation>(T.account, federationKey(account));
  return f?.JwtVendingEnabled ? f : undefined;
}

const disabled = () => new AwsError("FeatureDisabled", "Outbound identity federation is disabled for this account.");

export const EnableOutboundWebIdentityFederation: Handler<Record<string, never>, EnableOutboundWebIdentityFederationResponse> = async (_input, ctx) =>
  ctx.transaction(async (tx) => {
    const f = await tx.get<OutboundFederation>(T.account, federationKey(ctx.account));
    if (f?.JwtVendingEnabled) throw new AwsError("FeatureEnabled", "Outbound identity federation is already enabled for this account.");
    const IssuerIdentifier = f?.IssuerIdentifier ?? `https://${randomUUID()}.tokens.sts.global.api.aws`;
    await tx.put<OutboundFederation>(T.account, federationKey(ctx.account), { IssuerIdentifier, JwtVendingEnabled: true });
    return { IssuerIdentifier };
  });

export const DisableOutboundWebIdentityFederation: Handler<Record<string, never>, Record<string, never>> = async (_input, ctx) =>
  ctx.transaction(async (tx) => {
    const f = await tx.get<OutboundFederation>(T.account, federationKey(ctx.account));
    if (!f?.JwtVendingEnabled) throw disabled();
    await tx.put<OutboundFederation>(T.account, federationKey(ctx.account), { ...f, JwtVendingEnabled: false });
    return {};
  });

export const GetOutboundWebIdentityFederationInfo: Handler<Record<string, never>, GetOutboundWebIdentityFederationInfoResponse> = async (_input, ctx) =>
  ctx.transaction(async (tx) => {
    const f = await tx.get<OutboundFederation>(T.account, federationKey(ctx.account));
    if (!f) throw disabled();
    return { IssuerIdentifier: f.IssuerIdentifier, JwtVendingEnabled: f.JwtVendingEnabled };
  });
