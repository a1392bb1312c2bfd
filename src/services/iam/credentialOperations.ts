import type { Handler } from "../../core/service.js";
import {
  CreateAccountAlias,
  DeleteAccountAlias,
  DisableOutboundWebIdentityFederation,
  EnableOutboundWebIdentityFederation,
  GetAccountSummary,
  GetOutboundWebIdentityFederationInfo,
  ListAccountAliases,
  SetSecurityTokenServicePreferences,
} from "./account.js";
import { GetAccessKeyLastUsed } from "./accessKeys.js";
import { GetAccountAuthorizationDetails } from "./authorizationDetails.js";
import { GenerateCredentialReport, GetCredentialReport } from "./credentialReport.js";
import { ChangePassword, CreateLoginProfile, DeleteLoginProfile, GetLoginProfile, UpdateLoginProfile } from "./loginProfiles.js";
import * as mfa from "./mfa.js";
import * as oidc from "./oidcProviders.js";
import { DeleteAccountPasswordPolicy, GetAccountPasswordPolicy, UpdateAccountPasswordPolicy } from "./passwordPolicy.js";
import * as saml from "./samlProviders.js";
import * as server from "./serverCertificates.js";
import * as service from "./serviceCredentials.js";
import * as signing from "./signingCertificates.js";
import * as ssh from "./sshKeys.js";

/** The handlers of user credentials, identity providers and account settings (registered by index.ts). */
export const credentialOperations: Record<string, Handler> = {
  CreateLoginProfile,
  GetLoginProfile,
  UpdateLoginProfile,
  DeleteLoginProfile,
  ChangePassword,
  CreateVirtualMFADevice: mfa.CreateVirtualMFADevice,
  EnableMFADevice: mfa.EnableMFADevice,
  ResyncMFADevice: mfa.ResyncMFADevice,
  DeactivateMFADevice: mfa.DeactivateMFADevice,
  DeleteVirtualMFADevice: mfa.DeleteVirtualMFADevice,
  ListMFADevices: mfa.ListMFADevices,
  ListVirtualMFADevices: mfa.ListVirtualMFADevices,
  GetMFADevice: mfa.GetMFADevice,
  TagMFADevice: mfa.TagMFADevice,
  UntagMFADevice: mfa.UntagMFADevice,
  ListMFADeviceTags: mfa.ListMFADeviceTags,
  UploadSSHPublicKey: ssh.UploadSSHPublicKey,
  GetSSHPublicKey: ssh.GetSSHPublicKey,
  ListSSHPublicKeys: ssh.ListSSHPublicKeys,
  UpdateSSHPublicKey: ssh.UpdateSSHPublicKey,
  DeleteSSHPublicKey: ssh.DeleteSSHPublicKey,
  UploadSigningCertificate: signing.UploadSigningCertificate,
  ListSigningCertificates: signing.ListSigningCertificates,
  UpdateSigningCertificate: signing.UpdateSigningCertificate,
  DeleteSigningCertificate: signing.DeleteSigningCertificate,
  CreateServiceSpecificCredential: service.CreateServiceSpecificCredential,
  ListServiceSpecificCredentials: service.ListServiceSpecificCredentials,
  ResetServiceSpecificCredential: service.ResetServiceSpecificCredential,
  UpdateServiceSpecificCredential: service.UpdateServiceSpecificCredential,
  DeleteServiceSpecificCredential: service.DeleteServiceSpecificCredential,
  UploadServerCertificate: server.UploadServerCertificate,
  GetServerCertificate: server.GetServerCertificate,
  ListServerCertificates: server.ListServerCertificates,
  UpdateServerCertificate: server.UpdateServerCertificate,
  DeleteServerCertificate: server.DeleteServerCertificate,
  TagServerCertificate: server.TagServerCertificate,
  UntagServerCertificate: server.UntagServerCertificate,
  ListServerCertificateTags: server.ListServerCertificateTags,
  GetAccessKeyLastUsed,
  CreateOpenIDConnectProvider: oidc.CreateOpenIDConnectProvider,
  GetOpenIDConnectProvider: oidc.GetOpenIDConnectProvider,
  ListOpenIDConnectProviders: oidc.ListOpenIDConnectProviders,
  DeleteOpenIDConnectProvider: oidc.DeleteOpenIDConnectProvider,
  UpdateOpenIDConnectProviderThumbprint: oidc.UpdateOpenIDConnectProviderThumbprint,
  AddClientIDToOpenIDConnectProvider: oidc.AddClientIDToOpenIDConnectProvider,
  RemoveClientIDFromOpenIDConnectProvider: oidc.RemoveClientIDFromOpenIDConnectProvider,
  TagOpenIDConnectProvider: oidc.TagOpenIDConnectProvider,
  UntagOpenIDConnectProvider: oidc.UntagOpenIDConnectProvider,
  ListOpenIDConnectProviderTags: oidc.ListOpenIDConnectProviderTags,
  CreateSAMLProvider: saml.CreateSAMLProvider,
  GetSAMLProvider: saml.GetSAMLProvider,
  ListSAMLProviders: saml.ListSAMLProviders,
  UpdateSAMLProvider: saml.UpdateSAMLProvider,
  DeleteSAMLProvider: saml.DeleteSAMLProvider,
  TagSAMLProvider: saml.TagSAMLProvider,
  UntagSAMLProvider: saml.UntagSAMLProvider,
  ListSAMLProviderTags: saml.ListSAMLProviderTags,
  CreateAccountAlias,
  DeleteAccountAlias,
  ListAccountAliases,
  GetAccountPasswordPolicy,
  UpdateAccountPasswordPolicy,
  DeleteAccountPasswordPolicy,
  GetAccountSummary,
  GetAccountAuthorizationDetails,
  GenerateCredentialReport,
  GetCredentialReport,
  SetSecurityTokenServicePreferences,
  EnableOutboundWebIdentityFederation,
  DisableOutboundWebIdentityFederation,
  GetOutboundWebIdentityFederationInfo,
};
