import type { DistributionConfig, Origin } from "@aws-sdk/client-cloudfront";
import { AwsError } from "../../core/errors.js";
import type { RequestContext } from "../../core/service.js";
import type { Transaction } from "../../core/store/store.js";
import { publishedFunction } from "./functions.js";
import { key, missingBody, oneOf, requireAnycastIpList, T } from "./model.js";
import { findOac, oaiExists } from "./originAccess.js";
import { policyExists } from "./policies.js";
import { ref, type RefKind, users } from "./references.js";
import { checkDeploymentRules } from "./continuousDeployment.js";
import { fleConfigExists } from "./fieldLevelEncryption.js";
import { realtimeLogConfigExists } from "./realtimeLogs.js";
import { vpcOriginExists } from "./vpcOrigins.js";
import { findConnectionFunction } from "./connectionFunctions.js";
import { checkTrustStoreUsable } from "./trustStores.js";

/**
 * A DistributionConfig as CloudFront stores it: checked in the order the spec gives (Quantity
 * lists, required members and enums, local consistency, references, quotas), with every omitted
 * member filled in with the default CloudFront echoes. Also the references it holds (in-use rules).
 */
const invalid = (message: string) => new AwsError("InvalidArgument", message, 400);
const fail = (code: string, message: string, status = 400) => new AwsError(code, message, status);
const list = <T>(items: T[]) => ({ Quantity: items.length, ...(items.length ? { Items: items } : {}) });
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;

/** Every `{Quantity, Items}` pair anywhere in the config must agree (InconsistentQuantities). */
function quantities(value: unknown): void {
  if (!value || typeof value !== "object") return;
  if (Array.isArray(value)) return value.forEach(quantities);
  const o = value as Record<string, unknown>;
  if (typeof o.Quantity === "number") {
    const n = Array.isArray(o.Items) ? o.Items.length : 0;
    if (n !== o.Quantity) throw fail("InconsistentQuantities", "The value of Quantity and the size of Items don't match.");
  }
  for (const v of Object.values(o)) quantities(v);
}

const required = (value: unknown, member: string) => {
  if (value === undefined || value === null) throw invalid(`The parameter ${member} is required.`);
};

const VIEWER_PROTOCOL = ["allow-all", "https-only", "redirect-to-https"] as const;
const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "OPTIONS", "DELETE"] as const;

function methods(m: Any) {
  if (!m) return { Quantity: 2, Items: ["HEAD", "GET"], CachedMethods: { Quantity: 2, Items: ["HEAD", "GET"] } };
  for (const x of m.Items ?? []) oneOf(x, METHODS, "AllowedMethods");
  const cached = m.CachedMethods ?? { Quantity: 2, Items: ["HEAD", "GET"] };
  for (const x of cached.Items ?? []) oneOf(x, METHODS, "CachedMethods");
  return { Quantity: m.Quantity, Items: [...(m.Items ?? [])], CachedMethods: { Quantity: cached.Quantity, Items: [...(cached.Items ?? [])] } };
}

function trusted(t: Any, what: string, itemCheck?: (v: string) => void) {
  if (!t) return { Enabled: false, Quantity: 0 };
  const items: string[] = t.Items ?? [];
  if (t.Enabled === undefined) throw invalid(`The parameter ${what}.Enabled is required.`);
  if (t.Enabled && !items.length) throw invalid(`${what} is enabled but lists nothing.`);
  if (!t.Enabled && items.length) throw invalid(`${what} is disabled but lists items.`);
  items.forEach((v) => itemCheck?.(v));
  return { Enabled: t.Enabled, ...list(items) };
}

function behaviour(b: Any, path: string, connectionMode: string): Any {
  required(b.TargetOriginId, `${path}.TargetOriginId`);
  const out: Any = {};
  if (path !== "DefaultCacheBehavior") {
    required(b.PathPattern, `${path}.PathPattern`);
    out.PathPattern = b.PathPattern;
  }
  out.TargetOriginId = b.TargetOriginId;
  out.TrustedSigners = trusted(b.TrustedSigners, "TrustedSigners", (v) => {
    if (v !== "self" && !/^\d{12}$/.test(v)) throw fail("TrustedSignerDoesNotExist", `One or more of your trusted signers don't exist.`);
  });
  if ((b.TrustedSigners?.Items?.length ?? 0) > 5) throw fail("TooManyTrustedSigners", "Your request contains more trusted signers than are allowed per distribution.");
  out.TrustedKeyGroups = trusted(b.TrustedKeyGroups, "TrustedKeyGroups");
  out.ViewerProtocolPolicy = oneOf(b.ViewerProtocolPolicy, VIEWER_PROTOCOL, `${path}.ViewerProtocolPolicy`);
  out.AllowedMethods = methods(b.AllowedMethods);
  out.SmoothStreaming = b.SmoothStreaming ?? false;
  out.Compress = b.Compress ?? false;
  const lambdas = b.LambdaFunctionAssociations?.Items ?? [];
  if (lambdas.length > 4) throw fail("TooManyLambdaFunctionAssociations", "Your request contains more Lambda@Edge function associations than are allowed per distribution.");
  for (const l of lambdas) {
    oneOf(l.EventType, ["viewer-request", "viewer-response", "origin-request", "origin-response"], "LambdaFunctionAssociation.EventType");
    if (!/^arn:aws:lambda:us-east-1:\d{12}:function:[^:]+:\d+$/.test(l.LambdaFunctionARN ?? "")) {
      throw fail("InvalidLambdaFunctionAssociation", "The specified Lambda@Edge function association is invalid: use a numbered version of a function in us-east-1.");
    }
  }
  out.LambdaFunctionAssociations = list(lambdas.map((l: Any) => ({ LambdaFunctionARN: l.LambdaFunctionARN, EventType: l.EventType, IncludeBody: l.IncludeBody ?? false })));
  const fns = b.FunctionAssociations?.Items ?? [];
  if (fns.length > 2) throw fail("TooManyFunctionAssociations", "You have reached the maximum number of CloudFront function associations for a cache behavior.");
  const events = new Set<string>();
  for (const f of fns) {
    if (!["viewer-request", "viewer-response"].includes(f.EventType) || events.has(f.EventType)) {
      throw fail("InvalidFunctionAssociation", "A CloudFront function can be associated with the viewer-request or viewer-response event, once each.");
    }
    events.add(f.EventType);
  }
  out.FunctionAssociations = list(fns.map((f: Any) => ({ FunctionARN: f.FunctionARN, EventType: f.EventType })));
  out.FieldLevelEncryptionId = b.FieldLevelEncryptionId ?? "";
  if (b.RealtimeLogConfigArn) out.RealtimeLogConfigArn = b.RealtimeLogConfigArn;
  if (b.CachePolicyId) {
    if (b.ForwardedValues) throw invalid("The parameter ForwardedValues cannot be used when a cache policy is associated to the cache behavior.");
    for (const ttl of ["MinTTL", "DefaultTTL", "MaxTTL"]) {
      if (b[ttl] !== undefined) throw invalid(`The parameter ${ttl} cannot be used when a cache policy is associated to the cache behavior.`);
    }
    out.CachePolicyId = b.CachePolicyId;
  } else {
    if (connectionMode === "tenant-only") throw invalid("A multi-tenant distribution requires a cache policy on every cache behavior.");
    if (!b.ForwardedValues) throw invalid("The parameter ForwardedValues is required.");
    const fv = b.ForwardedValues;
    required(fv.QueryString, "ForwardedValues.QueryString");
    required(fv.Cookies, "ForwardedValues.Cookies");
    oneOf(fv.Cookies.Forward, ["none", "whitelist", "all"], "ForwardedValues.Cookies.Forward");
    if ((fv.Headers?.Items?.length ?? 0) > 10) throw fail("TooManyHeadersInForwardedValues", "Your request contains too many headers in forwarded values.");
    if ((fv.Cookies.WhitelistedNames?.Items?.length ?? 0) > 10) throw fail("TooManyCookieNamesInWhiteList", "Your request contains more cookie names in the whitelist than are allowed per cache behavior.");
    if ((fv.QueryStringCacheKeys?.Items?.length ?? 0) > 10) throw fail("TooManyQueryStringParameters", "Your query contains too many query string parameters.");
    out.ForwardedValues = {
      QueryString: fv.QueryString,
      Cookies: { Forward: fv.Cookies.Forward, ...(fv.Cookies.WhitelistedNames ? { WhitelistedNames: list(fv.Cookies.WhitelistedNames.Items ?? []) } : {}) },
      Headers: list(fv.Headers?.Items ?? []),
      QueryStringCacheKeys: list(fv.QueryStringCacheKeys?.Items ?? []),
    };
    if (b.MinTTL === undefined) throw invalid("The parameter MinTTL is required.");
    out.MinTTL = b.MinTTL;
    out.DefaultTTL = b.DefaultTTL ?? 86400;
    out.MaxTTL = b.MaxTTL ?? 31536000;
    if (out.MinTTL < 0 || out.MinTTL > out.DefaultTTL || out.DefaultTTL > out.MaxTTL) {
      throw fail("InvalidTTLOrder", "The TTL order specified in CacheBehavior is not valid: MinTTL <= DefaultTTL <= MaxTTL.");
    }
  }
  if (b.OriginRequestPolicyId) out.OriginRequestPolicyId = b.OriginRequestPolicyId;
  if (b.ResponseHeadersPolicyId) out.ResponseHeadersPolicyId = b.ResponseHeadersPolicyId;
  out.GrpcConfig = { Enabled: b.GrpcConfig?.Enabled ?? false };
  if (out.FieldLevelEncryptionId && (!["https-only", "redirect-to-https"].includes(out.ViewerProtocolPolicy) || !out.AllowedMethods.Items.includes("POST"))) {
    throw fail("IllegalFieldLevelEncryptionConfigAssociationWithCacheBehavior", "The specified configuration for field-level encryption can't be associated with the specified cache behavior.");
  }
  return out;
}

const S3_DOMAIN = /\.s3([.-][a-z0-9-]+)*\.amazonaws\.com$/;

function origin(o: Any, ctx: RequestContext): Any {
  required(o.Id, "Origin.Id");
  required(o.DomainName, "Origin.DomainName");
  const path = o.OriginPath ?? "";
  if (path && (!path.startsWith("/") || path.endsWith("/"))) throw invalid("The parameter OriginPath must begin with / and must not end with /.");
  const kinds = [o.S3OriginConfig, o.CustomOriginConfig, o.VpcOriginConfig].filter(Boolean).length;
  if (kinds > 1) throw fail("InvalidOrigin", "The specified origin server does not exist or is not valid.");
  if ((o.CustomHeaders?.Items?.length ?? 0) > ctx.quota("OriginCustomHeadersPerOrigin")) {
    throw fail("TooManyOriginCustomHeaders", "Your request contains too many origin custom headers.");
  }
  const attempts = o.ConnectionAttempts ?? 3;
  const timeout = o.ConnectionTimeout ?? 10;
  if (attempts < 1 || attempts > 3) throw invalid("ConnectionAttempts must be between 1 and 3.");
  if (timeout < 1 || timeout > 10) throw invalid("ConnectionTimeout must be between 1 and 10.");
  const out: Any = {
    Id: o.Id,
    DomainName: o.DomainName,
    OriginPath: path,
    CustomHeaders: list((o.CustomHeaders?.Items ?? []).map((h: Any) => ({ HeaderName: h.HeaderName, HeaderValue: h.HeaderValue }))),
  };
  if (o.S3OriginConfig) out.S3OriginConfig = { OriginAccessIdentity: o.S3OriginConfig.OriginAccessIdentity ?? "" };
  if (o.CustomOriginConfig) {
    const c = o.CustomOriginConfig;
    required(c.HTTPPort, "CustomOriginConfig.HTTPPort");
    required(c.HTTPSPort, "CustomOriginConfig.HTTPSPort");
    const read = c.OriginReadTimeout ?? 30;
    const keepalive = c.OriginKeepaliveTimeout ?? 5;
    if (read < 1 || read > 120) throw fail("InvalidOriginReadTimeout", "The read timeout specified for the origin is not valid.");
    if (keepalive < 1 || keepalive > 120) throw fail("InvalidOriginKeepaliveTimeout", "The keep alive timeout specified for the origin is not valid.");
    out.CustomOriginConfig = {
      HTTPPort: c.HTTPPort,
      HTTPSPort: c.HTTPSPort,
      OriginProtocolPolicy: oneOf(c.OriginProtocolPolicy, ["http-only", "match-viewer", "https-only"], "OriginProtocolPolicy"),
      OriginSslProtocols: c.OriginSslProtocols ? list(c.OriginSslProtocols.Items ?? []) : list(["TLSv1", "TLSv1.1", "TLSv1.2"]),
      OriginReadTimeout: read,
      OriginKeepaliveTimeout: keepalive,
    };
  }
  if (o.VpcOriginConfig) out.VpcOriginConfig = { ...o.VpcOriginConfig };
  out.ConnectionAttempts = attempts;
  out.ConnectionTimeout = timeout;
  out.OriginShield = o.OriginShield ? { Enabled: o.OriginShield.Enabled, ...(o.OriginShield.OriginShieldRegion ? { OriginShieldRegion: o.OriginShield.OriginShieldRegion } : {}) } : { Enabled: false };
  out.OriginAccessControlId = o.OriginAccessControlId ?? "";
  if (out.OriginAccessControlId && out.S3OriginConfig?.OriginAccessIdentity) {
    throw fail("IllegalOriginAccessConfiguration", "An origin cannot contain both an origin access control (OAC) and an origin access identity (OAI).");
  }
  return out;
}

function certificate(v: Any, aliases: string[]): Any {
  const bad = () =>
    fail("InvalidViewerCertificate", "The specified SSL certificate doesn't exist, isn't in us-east-1 region, isn't valid, or doesn't include a valid certificate chain.");
  if (!v || (v.CloudFrontDefaultCertificate && !v.ACMCertificateArn && !v.IAMCertificateId)) {
    if (aliases.length) throw fail("InvalidViewerCertificate", "To add an alternate domain name (CNAME) to a CloudFront distribution, you must attach a trusted certificate that validates your authorization to use the domain name.");
    return { CloudFrontDefaultCertificate: true, MinimumProtocolVersion: v?.MinimumProtocolVersion ?? "TLSv1", CertificateSource: "cloudfront" };
  }
  if (v.CloudFrontDefaultCertificate) throw bad();
  const source = v.ACMCertificateArn ? "acm" : "iam";
  if (v.ACMCertificateArn && !/^arn:aws:acm:us-east-1:\d{12}:certificate\/[0-9a-f-]+$/.test(v.ACMCertificateArn)) throw bad();
  if (v.ACMCertificateArn && v.IAMCertificateId) throw bad();
  if (!v.SSLSupportMethod) throw fail("InvalidViewerCertificate", "SSLSupportMethod is required with an ACM or IAM certificate.");
  const cert = v.ACMCertificateArn ?? v.IAMCertificateId;
  return {
    CloudFrontDefaultCertificate: false,
    ...(v.ACMCertificateArn ? { ACMCertificateArn: cert } : { IAMCertificateId: cert }),
    SSLSupportMethod: oneOf(v.SSLSupportMethod, ["sni-only", "vip", "static-ip"], "SSLSupportMethod"),
    MinimumProtocolVersion: v.MinimumProtocolVersion ?? "TLSv1",
    Certificate: cert,
    CertificateSource: source,
  };
}

function restrictions(r: Any): Any {
  const g = r?.GeoRestriction ?? { RestrictionType: "none", Quantity: 0 };
  const type = oneOf(g.RestrictionType, ["none", "whitelist", "blacklist"], "GeoRestriction.RestrictionType");
  const items: string[] = g.Items ?? [];
  if ((type === "none") !== (items.length === 0)) throw fail("InvalidGeoRestrictionParameter", "The specified geo restriction parameter is not valid.");
  for (const c of items) if (!/^[A-Z]{2}$/.test(c)) throw fail("InvalidLocationCode", "The location code specified is not recognized.");
  return { GeoRestriction: { RestrictionType: type, ...list(items) } };
}

function errorResponses(c: Any): Any {
  const items = (c?.Items ?? []).map((e: Any) => {
    if (!Number.isInteger(e.ErrorCode) || e.ErrorCode < 400 || e.ErrorCode > 599) throw fail("InvalidErrorCode", "The error code specified is not valid.");
    if (e.ResponseCode !== undefined && e.ResponseCode !== "" && !e.ResponsePagePath) throw fail("InvalidRelativePath", "The relative path is too big, is not URL-encoded, or does not begin with a slash (/).");
    if (e.ResponsePagePath && !e.ResponsePagePath.startsWith("/")) throw fail("InvalidRelativePath", "The relative path is too big, is not URL-encoded, or does not begin with a slash (/).");
    if (e.ResponseCode && !/^[2-5]\d\d$/.test(e.ResponseCode)) throw fail("InvalidResponseCode", "A response code is not valid.");
    return { ErrorCode: e.ErrorCode, ResponsePagePath: e.ResponsePagePath ?? "", ResponseCode: e.ResponseCode ?? "", ErrorCachingMinTTL: e.ErrorCachingMinTTL ?? 10 };
  });
  return list(items);
}

/**
 * Viewer mTLS: HTTPS only (no behaviour may allow HTTP) and not over HTTP/3, as CloudFront's
 * guide requires; `required` and `optional` validate client certificates against a trust store.
 */
function viewerMtls(m: Any, out: Any): Any {
  const mode = oneOf(m.Mode ?? "required", ["required", "optional", "passthrough"], "ViewerMtlsConfig.Mode");
  if (allBehaviours(out).some((b) => b.ViewerProtocolPolicy === "allow-all")) {
    throw invalid("Viewer mTLS requires HTTPS: every cache behavior's ViewerProtocolPolicy must be https-only or redirect-to-https.");
  }
  if (["http3", "http2and3"].includes(out.HttpVersion)) throw invalid("Viewer mTLS is not supported with HTTP/3: use http1.1 or http2.");
  const t = m.TrustStoreConfig;
  if (!t && mode !== "passthrough") throw invalid(`ViewerMtlsConfig.TrustStoreConfig is required in ${mode} mode.`);
  if (t) required(t.TrustStoreId, "ViewerMtlsConfig.TrustStoreConfig.TrustStoreId");
  return {
    Mode: mode,
    ...(t ? { TrustStoreConfig: { TrustStoreId: t.TrustStoreId, AdvertiseTrustStoreCaNames: t.AdvertiseTrustStoreCaNames ?? false, IgnoreCertificateExpiry: t.IgnoreCertificateExpiry ?? false } } : {}),
  };
}

/** The config with defaults, after every check that needs no state. */
export function normalise(input: DistributionConfig | undefined, ctx: RequestContext): Any {
  if (!input) throw missingBody();
  quantities(input);
  const c: Any = input;
  for (const m of ["CallerReference", "Origins", "DefaultCacheBehavior", "Comment", "Enabled"]) required(c[m], m);
  if (!c.CallerReference || [...c.CallerReference].length > 128) throw invalid("CallerReference must be 1 to 128 characters long.");
  if ([...c.Comment].length > 128) throw invalid("The parameter Comment is too long: it can be at most 128 characters.");
  const mode = c.ConnectionMode === undefined ? "direct" : oneOf(c.ConnectionMode, ["direct", "tenant-only"], "ConnectionMode");
  const tenantOnly = mode === "tenant-only";
  if (tenantOnly) {
    for (const m of ["PriceClass", "IsIPV6Enabled", "AnycastIpListId"]) if (c[m] !== undefined) throw invalid(`${m} is not supported for a multi-tenant distribution.`);
    if (c.Staging) throw invalid("Staging is not supported for a multi-tenant distribution.");
    if (c.Aliases?.Items?.length) throw invalid("Aliases are not supported for a multi-tenant distribution: add domains to its distribution tenants.");
  } else if (c.TenantConfig) {
    throw invalid("TenantConfig is supported only for a multi-tenant distribution (ConnectionMode tenant-only).");
  }
  const origins: Any[] = c.Origins.Items ?? [];
  if (!origins.length) throw invalid("The parameter Origins must contain at least one origin.");
  if (origins.length > ctx.quota("OriginsPerDistribution")) throw fail("TooManyOrigins", "You cannot create more origins for the distribution.");
  const ids = new Set<string>();
  for (const o of origins) {
    if (ids.has(o.Id)) throw invalid(`The parameter Origin Id must be unique: ${o.Id} is used twice.`);
    ids.add(o.Id);
  }
  const groups: Any[] = c.OriginGroups?.Items ?? [];
  if (groups.length > ctx.quota("OriginGroupsPerDistribution")) throw fail("TooManyOriginGroupsPerDistribution", "Processing your request would cause you to exceed the maximum number of origin groups allowed.");
  const originIds = new Set(ids);
  for (const g of groups) {
    if (!g.Id || ids.has(g.Id)) throw invalid(`The origin group Id ${g.Id ?? ""} must be unique among origins and origin groups.`);
    const members: Any[] = g.Members?.Items ?? [];
    if (members.length !== 2) throw invalid("An origin group must have exactly two member origins.");
    for (const m of members) if (!originIds.has(m.OriginId)) throw fail("NoSuchOrigin", "One or more of your origins or origin groups do not exist.", 404);
    const codes: number[] = g.FailoverCriteria?.StatusCodes?.Items ?? [];
    if (!codes.length) throw invalid("An origin group needs FailoverCriteria with at least one status code.");
    for (const c of codes) if (![400, 403, 404, 416, 500, 502, 503, 504].includes(c)) throw invalid(`The failover status code ${c} is not valid.`);
    ids.add(g.Id);
  }
  const aliases: string[] = c.Aliases?.Items ?? [];
  if (aliases.length > ctx.quota("CNAMEsPerDistribution")) throw fail("TooManyDistributionCNAMEs", "Your request contains more CNAMEs than are allowed per distribution.");
  if (new Set(aliases.map((a) => a.toLowerCase())).size !== aliases.length) throw invalid("The same CNAME appears more than once in Aliases.");
  const behaviours: Any[] = c.CacheBehaviors?.Items ?? [];
  if (behaviours.length > ctx.quota("CacheBehaviorsPerDistribution")) throw fail("TooManyCacheBehaviors", "You cannot create more cache behaviors for the distribution.");
  const patterns = behaviours.map((b) => b.PathPattern);
  if (new Set(patterns).size !== patterns.length) throw invalid("Two cache behaviors have the same PathPattern.");
  const root = c.DefaultRootObject ?? "";
  if (root.startsWith("/") || root.length > 255) throw fail("InvalidDefaultRootObject", "The default root object you specified is not valid.");
  const out: Any = {
    CallerReference: c.CallerReference,
    Aliases: list(aliases),
    DefaultRootObject: root,
    Origins: list(origins.map((o) => origin(o, ctx))),
    OriginGroups: list(groups.map((g) => JSON.parse(JSON.stringify(g)))),
    DefaultCacheBehavior: behaviour(c.DefaultCacheBehavior, "DefaultCacheBehavior", mode),
    CacheBehaviors: list(behaviours.map((b, i) => behaviour(b, `CacheBehaviors[${i}]`, mode))),
    CustomErrorResponses: errorResponses(c.CustomErrorResponses),
    Comment: c.Comment,
    Logging: {
      Enabled: c.Logging?.Enabled ?? false,
      IncludeCookies: c.Logging?.IncludeCookies ?? false,
      Bucket: c.Logging?.Bucket ?? "",
      Prefix: c.Logging?.Prefix ?? "",
    },
    ...(tenantOnly ? {} : { PriceClass: oneOf(c.PriceClass ?? "PriceClass_All", ["PriceClass_100", "PriceClass_200", "PriceClass_All", "None"], "PriceClass") }),
    Enabled: c.Enabled,
    ViewerCertificate: certificate(c.ViewerCertificate, aliases),
    Restrictions: restrictions(c.Restrictions),
    WebACLId: c.WebACLId ?? "",
    HttpVersion: oneOf(c.HttpVersion ?? "http2", ["http1.1", "http2", "http3", "http2and3"], "HttpVersion"),
    ...(tenantOnly ? {} : { IsIPV6Enabled: c.IsIPV6Enabled ?? true }),
    ContinuousDeploymentPolicyId: c.ContinuousDeploymentPolicyId ?? "",
    Staging: c.Staging ?? false,
    ...(c.AnycastIpListId ? { AnycastIpListId: c.AnycastIpListId } : {}),
    ...(c.TenantConfig ? { TenantConfig: JSON.parse(JSON.stringify(c.TenantConfig)) } : {}),
    ConnectionMode: mode,
  };
  if (out.WebACLId && !/^(arn:aws:wafv2:us-east-1:\d{12}:global\/webacl\/[\w-]+\/[0-9a-f-]{36}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/.test(out.WebACLId)) {
    throw fail("InvalidWebACLId", "The specified WebACLId is not valid: use the ARN of a global AWS WAF web ACL.");
  }
  if (c.ViewerMtlsConfig) out.ViewerMtlsConfig = viewerMtls(c.ViewerMtlsConfig, out);
  if (c.ConnectionFunctionAssociation) {
    required(c.ConnectionFunctionAssociation.Id, "ConnectionFunctionAssociation.Id");
    if (!out.ViewerMtlsConfig) throw invalid("A connection function can be associated only with a distribution that has viewer mTLS (ViewerMtlsConfig).");
    out.ConnectionFunctionAssociation = { Id: c.ConnectionFunctionAssociation.Id };
  }
  for (const b of [out.DefaultCacheBehavior, ...out.CacheBehaviors.Items ?? []]) {
    if (!ids.has(b.TargetOriginId)) throw fail("NoSuchOrigin", "One or more of your origins or origin groups do not exist.", 404);
  }
  return out;
}

export const allBehaviours = (c: Any): Any[] => [c.DefaultCacheBehavior, ...(c.CacheBehaviors?.Items ?? [])];

/** The `ref()` strings of everything the config points at. */
export function referencesOf(c: Any): string[] {
  const refs = new Set<string>();
  for (const b of allBehaviours(c)) {
    for (const g of b.TrustedKeyGroups?.Items ?? []) refs.add(ref("key-group", g));
    if (b.CachePolicyId) refs.add(ref("cache-policy", b.CachePolicyId));
    if (b.OriginRequestPolicyId) refs.add(ref("origin-request-policy", b.OriginRequestPolicyId));
    if (b.ResponseHeadersPolicyId) refs.add(ref("response-headers-policy", b.ResponseHeadersPolicyId));
    for (const f of b.FunctionAssociations?.Items ?? []) refs.add(ref("function", f.FunctionARN.split("/").pop()));
    if (b.RealtimeLogConfigArn) refs.add(ref("realtime-log-config", b.RealtimeLogConfigArn));
    if (b.FieldLevelEncryptionId) refs.add(ref("field-level-encryption", b.FieldLevelEncryptionId));
  }
  for (const o of c.Origins.Items ?? []) {
    if (o.OriginAccessControlId) refs.add(ref("origin-access-control", o.OriginAccessControlId));
    const oai = o.S3OriginConfig?.OriginAccessIdentity;
    if (oai) refs.add(ref("origin-access-identity", oai.split("/").pop()));
    if (o.VpcOriginConfig?.VpcOriginId) refs.add(ref("vpc-origin", o.VpcOriginConfig.VpcOriginId));
  }
  if (c.ContinuousDeploymentPolicyId) refs.add(ref("continuous-deployment-policy", c.ContinuousDeploymentPolicyId));
  if (c.AnycastIpListId) refs.add(ref("anycast-ip-list", c.AnycastIpListId));
  if (c.WebACLId) refs.add(ref("web-acl", c.WebACLId));
  if (c.ViewerMtlsConfig?.TrustStoreConfig) refs.add(ref("trust-store", c.ViewerMtlsConfig.TrustStoreConfig.TrustStoreId));
  if (c.ConnectionFunctionAssociation) refs.add(ref("connection-function", c.ConnectionFunctionAssociation.Id));
  return [...refs];
}

/** Per referenced resource: at most this many distributions (TooManyDistributionsAssociatedTo…). */
const PER_RESOURCE: Partial<Record<RefKind, string>> = {
  "key-group": "KeyGroup",
  "cache-policy": "CachePolicy",
  "origin-request-policy": "OriginRequestPolicy",
  "response-headers-policy": "ResponseHeadersPolicy",
  "origin-access-control": "OriginAccessControl",
};

/** The checks that read other resources: every reference must resolve; per-resource quotas. */
export async function checkReferences(tx: Transaction, ctx: RequestContext, c: Any, held: string[]): Promise<string[]> {
  const account = ctx.account;
  for (const b of allBehaviours(c)) {
    const groups: string[] = b.TrustedKeyGroups.Items ?? [];
    for (const g of groups) {
      if (!(await tx.get(T.keyGroups, key(account, g)))) throw fail("TrustedKeyGroupDoesNotExist", "One or more of your trusted key groups do not exist.");
    }
    if (groups.length > ctx.quota("KeyGroupsPerCacheBehavior")) {
      throw fail("TooManyKeyGroupsAssociatedToDistribution", "The number of key groups referenced by this distribution is more than the maximum allowed.");
    }
    if (b.CachePolicyId && !(await policyExists(tx, "cache", account, b.CachePolicyId))) throw fail("NoSuchCachePolicy", "The cache policy does not exist.", 404);
    if (b.OriginRequestPolicyId && !(await policyExists(tx, "originRequest", account, b.OriginRequestPolicyId))) {
      throw fail("NoSuchOriginRequestPolicy", "The origin request policy does not exist.", 404);
    }
    if (b.ResponseHeadersPolicyId && !(await policyExists(tx, "responseHeaders", account, b.ResponseHeadersPolicyId))) {
      throw fail("NoSuchResponseHeadersPolicy", "The response headers policy does not exist.", 404);
    }
    for (const f of b.FunctionAssociations.Items ?? []) {
      if (!(await publishedFunction(tx, account, f.FunctionARN ?? ""))) {
        throw fail("InvalidFunctionAssociation", `The function ARN ${f.FunctionARN} does not name a published (LIVE) CloudFront function of this account.`);
      }
    }
    if (b.RealtimeLogConfigArn && !(await realtimeLogConfigExists(tx, account, b.RealtimeLogConfigArn))) {
      throw fail("NoSuchRealtimeLogConfig", "The real-time log configuration does not exist.", 404);
    }
    if (b.FieldLevelEncryptionId && !(await fleConfigExists(tx, account, b.FieldLevelEncryptionId))) {
      throw fail("NoSuchFieldLevelEncryptionConfig", "The specified configuration for field-level encryption doesn't exist.", 404);
    }
  }
  for (const o of c.Origins.Items as Origin[]) {
    const oai = o.S3OriginConfig?.OriginAccessIdentity;
    if (oai) {
      const m = /^origin-access-identity\/cloudfront\/([A-Z0-9]+)$/.exec(oai);
      if (!m || !(await oaiExists(tx, account, m[1]))) throw fail("InvalidOriginAccessIdentity", "The origin access identity is not valid or doesn't exist.");
    }
    if (o.OriginAccessControlId) {
      const oac = await findOac(tx, account, o.OriginAccessControlId);
      if (!oac) throw fail("InvalidOriginAccessControl", "The origin access control is not valid.");
      if (oac.Config.OriginAccessControlOriginType === "s3" && !S3_DOMAIN.test(o.DomainName ?? "")) {
        throw fail("InvalidDomainNameForOriginAccessControl", "An origin access control with an origin type of S3 can't be associated with an origin that isn't an S3 bucket.");
      }
    }
    if (o.VpcOriginConfig && !(await vpcOriginExists(tx, account, o.VpcOriginConfig.VpcOriginId ?? ""))) {
      throw fail("EntityNotFound", `The VPC origin ${o.VpcOriginConfig.VpcOriginId ?? ""} does not exist.`, 404);
    }
  }
  if (c.AnycastIpListId) await requireAnycastIpList(tx, account, c.AnycastIpListId);
  if (c.ViewerMtlsConfig?.TrustStoreConfig) await checkTrustStoreUsable(tx, account, c.ViewerMtlsConfig.TrustStoreConfig.TrustStoreId);
  if (c.ConnectionFunctionAssociation) {
    const id = c.ConnectionFunctionAssociation.Id;
    const fn = await findConnectionFunction(tx, account, id);
    // The association names the function's Id (not its name or ARN).
    if (!fn || fn.Id !== id) throw fail("EntityNotFound", `The connection function ${id} does not exist.`, 404);
    if (!fn.Live) {
      throw invalid(`The connection function ${id} is not published: only a LIVE connection function can be associated with a distribution.`);
    }
  }
  await checkDeploymentRules(tx, ctx, c);
  const refs = referencesOf(c);
  for (const r of refs) {
    if (held.includes(r)) continue;
    const [kind, id] = r.split("\n") as [RefKind, string];
    const noun = PER_RESOURCE[kind];
    if (noun && (await users(tx, account, kind, id)) >= ctx.quota("DistributionsPerAssociatedResource")) {
      throw fail(`TooManyDistributionsAssociatedTo${noun}`, `The maximum number of distributions have been associated with the specified ${kind.replace(/-/g, " ")}.`);
    }
  }
  return refs;
}
