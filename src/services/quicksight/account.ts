import type {
  AccountCustomization,
  CreateAccountCustomizationRequest,
  CreateAccountCustomizationResponse,
  CreateAccountSubscriptionRequest,
  CreateAccountSubscriptionResponse,
  DeleteAccountCustomizationRequest,
  DeleteAccountCustomizationResponse,
  DeleteAccountSubscriptionRequest,
  DeleteAccountSubscriptionResponse,
  DescribeAccountCustomizationRequest,
  DescribeAccountCustomizationResponse,
  DescribeAccountSettingsRequest,
  DescribeAccountSettingsResponse,
  DescribeAccountSubscriptionRequest,
  DescribeAccountSubscriptionResponse,
  DescribeIpRestrictionRequest,
  DescribeIpRestrictionResponse,
  UpdateAccountCustomizationRequest,
  UpdateAccountCustomizationResponse,
  UpdateAccountSettingsRequest,
  UpdateAccountSettingsResponse,
  UpdateIpRestrictionRequest,
  UpdateIpRestrictionResponse,
  UpdatePublicSharingSettingsRequest,
  UpdatePublicSharingSettingsResponse,
} from "@aws-sdk/client-quicksight";
import { AwsError } from "../../core/errors.js";
import { randomString } from "../../core/ids.js";
import type { Handler, RequestContext } from "../../core/service.js";
import type { Transaction } from "../../core/store/store.js";
import {
  arnOf,
  deleteAll,
  exists,
  getSubscription,
  invalid,
  limit,
  notFound,
  parseArn,
  quicksightValidator,
  requireAccount,
  requireEnterprise,
  requireOwnAccount,
  settled,
  settlesAt,
  T,
  type Edition,
  type Subscription,
  type Tag,
} from "./model.js";
import { findNamespace, namespaceRecord } from "./namespaces.js";
import { validateTags } from "./tags.js";
import { BUILT_IN_THEMES } from "./themes.js";

const EDITIONS = ["STANDARD", "ENTERPRISE", "ENTERPRISE_AND_Q"];
const METHODS = ["IAM_AND_QUICKSIGHT", "IAM_ONLY", "ACTIVE_DIRECTORY", "IAM_IDENTITY_CENTER"];
const ACCOUNT_NAME = /^(?!D-|d-)([\da-zA-Z]+)([-]*[\da-zA-Z])*$/;

export const CreateAccountSubscription: Handler<CreateAccountSubscriptionRequest, CreateAccountSubscriptionResponse> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    requireOwnAccount(ctx, input.AwsAccountId);
    quicksightValidator()
      .length(input.AccountName, "AccountName", 1, 62)
      .pattern(input.AccountName, "AccountName", ACCOUNT_NAME, "^(?!D-|d-)([\\da-zA-Z]+)([-]*[\\da-zA-Z])*")
      .oneOf(input.Edition, "Edition", EDITIONS)
      .oneOf(input.AuthenticationMethod, "AuthenticationMethod", METHODS)
      .check();
    const edition = (input.Edition ?? "ENTERPRISE") as Edition;
    const method = input.AuthenticationMethod!;
    if (!/^[^@\s]+@[^@\s]+$/.test(input.NotificationEmail ?? "")) throw invalid(`NotificationEmail '${input.NotificationEmail}' is not a valid email address.`);
    const missing = (names: Array<keyof CreateAccountSubscriptionRequest>) => {
      const absent = names.filter((n) => input[n] === undefined || (Array.isArray(input[n]) && !(input[n] as unknown[]).length));
      if (absent.length) throw invalid(`${absent.join(", ")} ${absent.length > 1 ? "are" : "is"} required for ${method === "ACTIVE_DIRECTORY" || method === "IAM_IDENTITY_CENTER" ? `AuthenticationMethod ${method}` : `Edition ${edition}`}.`);
    };
    if (edition === "ENTERPRISE_AND_Q") missing(["FirstName", "LastName", "EmailAddress", "ContactNumber"]);
    if (method === "ACTIVE_DIRECTORY") missing(["ActiveDirectoryName", "Realm", "DirectoryId", "AdminGroup"]);
    if (method === "IAM_IDENTITY_CENTER") missing(["IAMIdentityCenterInstanceArn", "AdminGroup"]);
    if (await getSubscription(tx, ctx.account)) throw exists(`Account ${ctx.account} already has a QuickSight subscription.`, "ACCOUNT_SETTINGS");
    const sub: Subscription = {
      AccountName: input.AccountName!,
      Edition: edition,
      AuthenticationMethod: method,
      NotificationEmail: input.NotificationEmail!,
      ...(input.IAMIdentityCenterInstanceArn ? { IAMIdentityCenterInstanceArn: input.IAMIdentityCenterInstanceArn } : {}),
      IdentityRegion: ctx.region,
      DirectoryId: `d-${randomString("0123456789abcdef", 10)}`,
      CreatedAt: ctx.now.toISOString(),
      ReadyAt: settlesAt(ctx),
      DefaultNamespace: "default",
      PublicSharingEnabled: false,
      TerminationProtectionEnabled: true,
    };
    await tx.put(T.subscriptions, ctx.account, sub);
    await tx.put(T.namespaces, `${ctx.account}/default`, { ...namespaceRecord(ctx, "default"), ReadyAt: ctx.now.toISOString() });
    return {
      SignupResponse: {
        IAMUser: method === "IAM_AND_QUICKSIGHT" || method === "IAM_ONLY",
        userLoginName: ctx.principal.userName ?? ctx.principal.arn.split(":").pop(),
        accountName: sub.AccountName,
        directoryType: method === "ACTIVE_DIRECTORY" ? "MICROSOFT_AD" : method === "IAM_IDENTITY_CENTER" ? "IAM_IDENTITY_CENTER" : "QUICKSIGHT",
      },
      RequestId: ctx.requestId,
      Status: 200,
    };
  });

export const DescribeAccountSubscription: Handler<DescribeAccountSubscriptionRequest, DescribeAccountSubscriptionResponse> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    const sub = await requireAccount(tx, ctx, input.AwsAccountId);
    return {
      AccountInfo: {
        AccountName: sub.AccountName,
        Edition: sub.Edition,
        NotificationEmail: sub.NotificationEmail,
        AuthenticationType: sub.AuthenticationMethod,
        AccountSubscriptionStatus: settled(sub.ReadyAt, ctx) ? "ACCOUNT_CREATED" : "SIGNUP_ATTEMPT_IN_PROGRESS",
        ...(sub.IAMIdentityCenterInstanceArn ? { IAMIdentityCenterInstanceArn: sub.IAMIdentityCenterInstanceArn } : {}),
      },
      RequestId: ctx.requestId,
      Status: 200,
    };
  });

/** Every table that holds what a subscription owns: all of it goes with the subscription, in every region. */
const OWNED = Object.values(T).filter((t) => t !== T.keyRegistrations && t !== T.subscriptions);

export const DeleteAccountSubscription: Handler<DeleteAccountSubscriptionRequest, DeleteAccountSubscriptionResponse> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    const sub = await requireAccount(tx, ctx, input.AwsAccountId);
    if (sub.TerminationProtectionEnabled) {
      throw new AwsError(
        "PreconditionNotMetException",
        `Account ${ctx.account} has termination protection enabled. Disable it with UpdateAccountSettings (TerminationProtectionEnabled false) before deleting the subscription.`,
      );
    }
    await tx.delete(T.subscriptions, ctx.account);
    for (const table of OWNED) await deleteAll(tx, table, table === T.ipRestrictions ? ctx.account : `${ctx.account}/`);
    return { RequestId: ctx.requestId, Status: 200 };
  });

export const DescribeAccountSettings: Handler<DescribeAccountSettingsRequest, DescribeAccountSettingsResponse> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    const sub = await requireAccount(tx, ctx, input.AwsAccountId);
    return {
      AccountSettings: {
        AccountName: sub.AccountName,
        Edition: sub.Edition,
        DefaultNamespace: sub.DefaultNamespace,
        NotificationEmail: sub.NotificationEmail,
        PublicSharingEnabled: sub.PublicSharingEnabled,
        TerminationProtectionEnabled: sub.TerminationProtectionEnabled,
      },
      RequestId: ctx.requestId,
      Status: 200,
    };
  });

export const UpdateAccountSettings: Handler<UpdateAccountSettingsRequest, UpdateAccountSettingsResponse> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    const sub = await requireAccount(tx, ctx, input.AwsAccountId);
    quicksightValidator().length(input.DefaultNamespace, "DefaultNamespace", 0, 64).pattern(input.DefaultNamespace, "DefaultNamespace", /^[a-zA-Z0-9._-]*$/).check();
    if (input.NotificationEmail !== undefined && !/^[^@\s]+@[^@\s]+$/.test(input.NotificationEmail)) {
      throw invalid(`NotificationEmail '${input.NotificationEmail}' is not a valid email address.`);
    }
    if (!(await findNamespace(tx, ctx, input.DefaultNamespace!))) throw notFound(`Namespace ${input.DefaultNamespace} not found in account ${ctx.account}.`, "NAMESPACE");
    await tx.put(T.subscriptions, ctx.account, {
      ...sub,
      DefaultNamespace: input.DefaultNamespace!,
      NotificationEmail: input.NotificationEmail ?? sub.NotificationEmail,
      TerminationProtectionEnabled: input.TerminationProtectionEnabled ?? sub.TerminationProtectionEnabled,
    });
    return { RequestId: ctx.requestId, Status: 200 };
  });

export const UpdatePublicSharingSettings: Handler<UpdatePublicSharingSettingsRequest, UpdatePublicSharingSettingsResponse> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    const sub = await requireAccount(tx, ctx, input.AwsAccountId);
    if (sub.Edition === "STANDARD") {
      throw new AwsError("UnsupportedPricingPlanException", `Public sharing needs session capacity pricing, which account ${ctx.account} (STANDARD Edition) does not have.`);
    }
    await tx.put(T.subscriptions, ctx.account, { ...sub, PublicSharingEnabled: input.PublicSharingEnabled === true });
    return { RequestId: ctx.requestId, Status: 200 };
  });

// ---- IP restrictions -----------------------------------------------------------------------

interface IpRestriction {
  IpRestrictionRuleMap: Record<string, string>;
  VpcIdRestrictionRuleMap: Record<string, string>;
  VpcEndpointIdRestrictionRuleMap: Record<string, string>;
  Enabled?: boolean;
}

const CIDR = /^(([0-9]|[1-9][0-9]|1[0-9]{2}|2[0-4][0-9]|25[0-5])\.){3}([0-9]|[1-9][0-9]|1[0-9]{2}|2[0-4][0-9]|25[0-5])\/([1-9]|[12][0-9]|3[0-2])$/;
const MAX_IP_RULES = 100;

export const DescribeIpRestriction: Handler<DescribeIpRestrictionRequest, DescribeIpRestrictionResponse> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    await requireAccount(tx, ctx, input.AwsAccountId);
    const rules = (await tx.get<IpRestriction>(T.ipRestrictions, ctx.account)) ?? { IpRestrictionRuleMap: {}, VpcIdRestrictionRuleMap: {}, VpcEndpointIdRestrictionRuleMap: {} };
    return { AwsAccountId: ctx.account, ...rules, Enabled: rules.Enabled ?? false, RequestId: ctx.requestId, Status: 200 };
  });

export const UpdateIpRestriction: Handler<UpdateIpRestrictionRequest, UpdateIpRestrictionResponse> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    const sub = await requireAccount(tx, ctx, input.AwsAccountId);
    requireEnterprise(sub, ctx);
    const check = (map: Record<string, string> | undefined, member: string, key: RegExp) => {
      for (const [k, v] of Object.entries(map ?? {})) {
        if (!key.test(k)) throw invalid(`${member} key '${k}' is not valid.`);
        if ((v ?? "").length > 150) throw invalid(`${member} description of '${k}' must be at most 150 characters long.`);
      }
    };
    check(input.IpRestrictionRuleMap, "IpRestrictionRuleMap", CIDR);
    check(input.VpcIdRestrictionRuleMap, "VpcIdRestrictionRuleMap", /^vpc-[0-9a-z]*$/);
    check(input.VpcEndpointIdRestrictionRuleMap, "VpcEndpointIdRestrictionRuleMap", /^vpce-[0-9a-z]*$/);
    const current = (await tx.get<IpRestriction>(T.ipRestrictions, ctx.account)) ?? { IpRestrictionRuleMap: {}, VpcIdRestrictionRuleMap: {}, VpcEndpointIdRestrictionRuleMap: {} };
    const next: IpRestriction = {
      IpRestrictionRuleMap: input.IpRestrictionRuleMap ?? current.IpRestrictionRuleMap,
      VpcIdRestrictionRuleMap: input.VpcIdRestrictionRuleMap ?? current.VpcIdRestrictionRuleMap,
      VpcEndpointIdRestrictionRuleMap: input.VpcEndpointIdRestrictionRuleMap ?? current.VpcEndpointIdRestrictionRuleMap,
      Enabled: input.Enabled ?? current.Enabled,
    };
    const count = Object.keys(next.IpRestrictionRuleMap).length + Object.keys(next.VpcIdRestrictionRuleMap).length + Object.keys(next.VpcEndpointIdRestrictionRuleMap).length;
    if (count > MAX_IP_RULES) throw limit(`An account can have at most ${MAX_IP_RULES} IP restriction rules; this request would leave ${count}.`);
    if (next.Enabled && count === 0) throw invalid("IP restrictions cannot be enabled without any rule: that would lock every user out.");
    await tx.put(T.ipRestrictions, ctx.account, next);
    return { AwsAccountId: ctx.account, RequestId: ctx.requestId, Status: 200 };
  });

// ---- Account customizations ----------------------------------------------------------------

interface Customization {
  Arn: string;
  Namespace?: string;
  AccountCustomization: AccountCustomization;
  Tags?: Tag[];
}

const customizationKey = (ctx: RequestContext, namespace: string | undefined) => `${ctx.account}/${ctx.region}/${namespace ?? ""}`;
const customizationArn = (ctx: RequestContext, namespace: string | undefined) =>
  arnOf(ctx.region, ctx.account, `customization/${ctx.account}${namespace ? `/${namespace}` : ""}`);

async function checkCustomization(tx: Transaction, ctx: RequestContext, input: { AwsAccountId?: string; Namespace?: string }) {
  // An identity-region operation, like the other account-level settings.
  const sub = await requireAccount(tx, ctx, input.AwsAccountId);
  requireEnterprise(sub, ctx);
  if (input.Namespace !== undefined && !(await findNamespace(tx, ctx, input.Namespace))) {
    throw notFound(`Namespace ${input.Namespace} not found in account ${ctx.account}.`, "NAMESPACE");
  }
}

async function validateCustomization(tx: Transaction, ctx: RequestContext, c: AccountCustomization | undefined) {
  const theme = c?.DefaultTheme;
  if (theme === undefined) return;
  const parsed = parseArn(theme);
  const builtIn = parsed?.account === "aws" && parsed.region === "" && parsed.type === "theme" && BUILT_IN_THEMES.includes(parsed.rest);
  const own = parsed?.account === ctx.account && parsed.region === ctx.region && parsed.type === "theme" && (await tx.get(T.themes, `${ctx.account}/${ctx.region}/${parsed.rest}`));
  if (!builtIn && !own) throw invalid(`DefaultTheme ${theme} is not a theme of account ${ctx.account} in ${ctx.region} nor a built-in theme.`);
}

const customizationOutput = (ctx: RequestContext, c: Customization) => ({
  Arn: c.Arn,
  AwsAccountId: ctx.account,
  ...(c.Namespace !== undefined ? { Namespace: c.Namespace } : {}),
  AccountCustomization: c.AccountCustomization,
  RequestId: ctx.requestId,
  Status: 200,
});

const noCustomization = (ctx: RequestContext, namespace?: string) =>
  notFound(`Account customization for account ${ctx.account}${namespace ? ` and namespace ${namespace}` : ""} not found.`);

export const CreateAccountCustomization: Handler<CreateAccountCustomizationRequest, CreateAccountCustomizationResponse> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    await checkCustomization(tx, ctx, input);
    validateTags(input.Tags);
    await validateCustomization(tx, ctx, input.AccountCustomization);
    const key = customizationKey(ctx, input.Namespace);
    if (await tx.get(T.customizations, key)) throw exists(`Account customization for account ${ctx.account}${input.Namespace ? ` and namespace ${input.Namespace}` : ""} already exists.`);
    const record: Customization = {
      Arn: customizationArn(ctx, input.Namespace),
      ...(input.Namespace !== undefined ? { Namespace: input.Namespace } : {}),
      AccountCustomization: input.AccountCustomization ?? {},
      ...(input.Tags ? { Tags: input.Tags } : {}),
    };
    await tx.put(T.customizations, key, record);
    return customizationOutput(ctx, record);
  });

export const DescribeAccountCustomization: Handler<DescribeAccountCustomizationRequest, DescribeAccountCustomizationResponse> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    await checkCustomization(tx, ctx, input);
    const own = await tx.get<Customization>(T.customizations, customizationKey(ctx, input.Namespace));
    if (!input.Resolved || input.Namespace === undefined) {
      if (!own) throw noCustomization(ctx, input.Namespace);
      return customizationOutput(ctx, own);
    }
    // Resolved: the namespace's fields over the account's.
    const account = await tx.get<Customization>(T.customizations, customizationKey(ctx, undefined));
    if (!own && !account) throw noCustomization(ctx, input.Namespace);
    return customizationOutput(ctx, {
      Arn: (own ?? account)!.Arn,
      Namespace: input.Namespace,
      AccountCustomization: { ...account?.AccountCustomization, ...own?.AccountCustomization },
    });
  });

export const UpdateAccountCustomization: Handler<UpdateAccountCustomizationRequest, UpdateAccountCustomizationResponse> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    await checkCustomization(tx, ctx, input);
    const key = customizationKey(ctx, input.Namespace);
    const own = await tx.get<Customization>(T.customizations, key);
    if (!own) throw noCustomization(ctx, input.Namespace);
    await validateCustomization(tx, ctx, input.AccountCustomization);
    const record = { ...own, AccountCustomization: input.AccountCustomization ?? {} };
    await tx.put(T.customizations, key, record);
    return customizationOutput(ctx, record);
  });

export const DeleteAccountCustomization: Handler<DeleteAccountCustomizationRequest, DeleteAccountCustomizationResponse> = (input, ctx) =>
  ctx.transaction(async (tx) => {
    await checkCustomization(tx, ctx, input);
    if (!(await tx.delete(T.customizations, customizationKey(ctx, input.Namespace)))) throw noCustomization(ctx, input.Namespace);
    return { RequestId: ctx.requestId, Status: 200 };
  });
