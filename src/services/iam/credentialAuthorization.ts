import type { Authorizer, RequestContext } from "../../core/service.js";
import { create, on, onSelfOrUser, onUser, user } from "./authorization.js";
import { T, type AccessKeyRecord } from "./model.js";
import { oidcProviderArn } from "./oidcProviders.js";
import { samlProviderArn } from "./samlProviders.js";
import { serverCertificateArn } from "./serverCertificates.js";

/**
 * Authorization of the user-credential, identity-provider and account operations, from the
 * service authorization reference: credentials act on their user's ARN, MFA devices, server
 * certificates and providers on their own ARNs; account-wide calls have no resource type ("*").
 */

type In = Record<string, string | undefined>;

const mfaArn = (ctx: RequestContext, i: In) => `arn:aws:iam::${ctx.account}:mfa${i.Path ?? "/"}${i.VirtualMFADeviceName ?? ""}`;

/** A server certificate's ARN with its current path (`/` when it does not exist). */
const serverCert = async (ctx: RequestContext, name: string | undefined) => {
  const row = name ? await ctx.transaction((tx) => tx.get<{ Path: string }>(T.serverCerts, `${ctx.account}/${name.toLowerCase()}`)) : undefined;
  return serverCertificateArn(ctx.account, row?.Path ?? "/", name ?? "");
};

/** GetAccessKeyLastUsed acts on the key's owner. */
const keyOwner = async (ctx: RequestContext, id: string | undefined) => {
  const key = id ? await ctx.transaction((tx) => tx.get<AccessKeyRecord>(T.accessKeyIndex, id)) : undefined;
  if (key?.UserName === undefined) return `arn:aws:iam::${ctx.account}:root`;
  return user(ctx, key.UserName);
};

const onServerCert = (action: string) => on(action, (i, ctx) => serverCert(ctx, i.ServerCertificateName));
const onOidc = (action: string) => on(action, (i) => i.OpenIDConnectProviderArn ?? "");
const onSaml = (action: string) => on(action, (i) => i.SAMLProviderArn ?? "");
const onAccount = (action: string) => on(action, () => "*");

export const credentialAuthorization: Record<string, Authorizer<In>> = {
  CreateLoginProfile: onSelfOrUser("CreateLoginProfile"),
  GetLoginProfile: onSelfOrUser("GetLoginProfile"),
  UpdateLoginProfile: onUser("UpdateLoginProfile"),
  DeleteLoginProfile: onSelfOrUser("DeleteLoginProfile"),
  // The caller changes its own password.
  ChangePassword: on("ChangePassword", (_i, ctx) => ctx.principal.arn),

  CreateVirtualMFADevice: create("CreateVirtualMFADevice", "TagMFADevice", (i, ctx) => mfaArn(ctx, i)),
  EnableMFADevice: onUser("EnableMFADevice"),
  ResyncMFADevice: onUser("ResyncMFADevice"),
  DeactivateMFADevice: onSelfOrUser("DeactivateMFADevice"),
  DeleteVirtualMFADevice: on("DeleteVirtualMFADevice", (i) => i.SerialNumber ?? ""),
  ListMFADevices: onSelfOrUser("ListMFADevices"),
  ListVirtualMFADevices: onAccount("ListVirtualMFADevices"),
  GetMFADevice: onSelfOrUser("GetMFADevice"),
  TagMFADevice: on("TagMFADevice", (i) => i.SerialNumber ?? ""),
  UntagMFADevice: on("UntagMFADevice", (i) => i.SerialNumber ?? ""),
  ListMFADeviceTags: on("ListMFADeviceTags", (i) => i.SerialNumber ?? ""),

  UploadSSHPublicKey: onUser("UploadSSHPublicKey"),
  GetSSHPublicKey: onUser("GetSSHPublicKey"),
  ListSSHPublicKeys: onSelfOrUser("ListSSHPublicKeys"),
  UpdateSSHPublicKey: onUser("UpdateSSHPublicKey"),
  DeleteSSHPublicKey: onUser("DeleteSSHPublicKey"),

  UploadSigningCertificate: onSelfOrUser("UploadSigningCertificate"),
  ListSigningCertificates: onSelfOrUser("ListSigningCertificates"),
  UpdateSigningCertificate: onSelfOrUser("UpdateSigningCertificate"),
  DeleteSigningCertificate: onSelfOrUser("DeleteSigningCertificate"),

  CreateServiceSpecificCredential: onUser("CreateServiceSpecificCredential"),
  ListServiceSpecificCredentials: onSelfOrUser("ListServiceSpecificCredentials"),
  ResetServiceSpecificCredential: onSelfOrUser("ResetServiceSpecificCredential"),
  UpdateServiceSpecificCredential: onSelfOrUser("UpdateServiceSpecificCredential"),
  DeleteServiceSpecificCredential: onSelfOrUser("DeleteServiceSpecificCredential"),

  UploadServerCertificate: create("UploadServerCertificate", "TagServerCertificate", (i, ctx) =>
    serverCertificateArn(ctx.account, i.Path ?? "/", i.ServerCertificateName ?? ""),
  ),
  GetServerCertificate: onServerCert("GetServerCertificate"),
  // ListServerCertificates has no resource type.
  ListServerCertificates: onAccount("ListServerCertificates"),
  UpdateServerCertificate: async (i, ctx) => {
    const old = await serverCert(ctx, i.ServerCertificateName);
    const path = /server-certificate(\/.*\/|\/)[^/]*$/.exec(old)?.[1] ?? "/";
    const renamed = serverCertificateArn(ctx.account, i.NewPath ?? path, i.NewServerCertificateName ?? i.ServerCertificateName ?? "");
    return { action: "iam:UpdateServerCertificate", resources: old === renamed ? [old] : [old, renamed] };
  },
  DeleteServerCertificate: onServerCert("DeleteServerCertificate"),
  TagServerCertificate: onServerCert("TagServerCertificate"),
  UntagServerCertificate: onServerCert("UntagServerCertificate"),
  ListServerCertificateTags: onServerCert("ListServerCertificateTags"),

  GetAccessKeyLastUsed: on("GetAccessKeyLastUsed", (i, ctx) => keyOwner(ctx, i.AccessKeyId)),

  CreateOpenIDConnectProvider: create("CreateOpenIDConnectProvider", "TagOpenIDConnectProvider", (i, ctx) =>
    oidcProviderArn(ctx.account, (i.Url ?? "").replace(/^https:\/\//, "")),
  ),
  GetOpenIDConnectProvider: onOidc("GetOpenIDConnectProvider"),
  ListOpenIDConnectProviders: onAccount("ListOpenIDConnectProviders"),
  DeleteOpenIDConnectProvider: onOidc("DeleteOpenIDConnectProvider"),
  UpdateOpenIDConnectProviderThumbprint: onOidc("UpdateOpenIDConnectProviderThumbprint"),
  AddClientIDToOpenIDConnectProvider: onOidc("AddClientIDToOpenIDConnectProvider"),
  RemoveClientIDFromOpenIDConnectProvider: onOidc("RemoveClientIDFromOpenIDConnectProvider"),
  TagOpenIDConnectProvider: onOidc("TagOpenIDConnectProvider"),
  UntagOpenIDConnectProvider: onOidc("UntagOpenIDConnectProvider"),
  ListOpenIDConnectProviderTags: onOidc("ListOpenIDConnectProviderTags"),

  CreateSAMLProvider: create("CreateSAMLProvider", "TagSAMLProvider", (i, ctx) => samlProviderArn(ctx.account, i.Name ?? "")),
  GetSAMLProvider: onSaml("GetSAMLProvider"),
  ListSAMLProviders: onAccount("ListSAMLProviders"),
  UpdateSAMLProvider: onSaml("UpdateSAMLProvider"),
  DeleteSAMLProvider: onSaml("DeleteSAMLProvider"),
  TagSAMLProvider: onSaml("TagSAMLProvider"),
  UntagSAMLProvider: onSaml("UntagSAMLProvider"),
  ListSAMLProviderTags: onSaml("ListSAMLProviderTags"),

  CreateAccountAlias: onAccount("CreateAccountAlias"),
  DeleteAccountAlias: onAccount("DeleteAccountAlias"),
  ListAccountAliases: onAccount("ListAccountAliases"),
  GetAccountPasswordPolicy: onAccount("GetAccountPasswordPolicy"),
  UpdateAccountPasswordPolicy: onAccount("UpdateAccountPasswordPolicy"),
  DeleteAccountPasswordPolicy: onAccount("DeleteAccountPasswordPolicy"),
  GetAccountSummary: onAccount("GetAccountSummary"),
  GetAccountAuthorizationDetails: onAccount("GetAccountAuthorizationDetails"),
  GenerateCredentialReport: onAccount("GenerateCredentialReport"),
  GetCredentialReport: onAccount("GetCredentialReport"),
  SetSecurityTokenServicePreferences: onAccount("SetSecurityTokenServicePreferences"),
  EnableOutboundWebIdentityFederation: onAccount("EnableOutboundWebIdentityFederation"),
  DisableOutboundWebIdentityFederation: onAccount("DisableOutboundWebIdentityFederation"),
  GetOutboundWebIdentityFederationInfo: onAccount("GetOutboundWebIdentityFederationInfo"),
};
