import type { CachePolicyConfig, OriginRequestPolicyConfig, ResponseHeadersPolicyConfig } from "@aws-sdk/client-cloudfront";

/**
 * The policies AWS defines in every account, with their fixed ids and API names (the
 * developer guide's "managed policies" pages). They are constants, not rows: they survive a
 * reset, read the same in every account and cannot be updated or deleted.
 */
const items = <T>(values: T[]) => ({ Quantity: values.length, ...(values.length ? { Items: values } : {}) });

const cacheKey = (o: { gzip: boolean; brotli: boolean; headers?: string[]; cookies?: "none" | "all"; qs?: "none" | "all" | string[] }) => ({
  EnableAcceptEncodingGzip: o.gzip,
  EnableAcceptEncodingBrotli: o.brotli,
  HeadersConfig: o.headers?.length ? { HeaderBehavior: "whitelist" as const, Headers: items(o.headers) } : { HeaderBehavior: "none" as const },
  CookiesConfig: { CookieBehavior: o.cookies ?? ("none" as const) },
  QueryStringsConfig: Array.isArray(o.qs)
    ? { QueryStringBehavior: "whitelist" as const, QueryStrings: items(o.qs) }
    : { QueryStringBehavior: o.qs ?? ("none" as const) },
});

const cache = (Id: string, Name: string, Comment: string, ttl: [number, number, number], key: Parameters<typeof cacheKey>[0]) => ({
  Id,
  config: {
    Name,
    Comment,
    MinTTL: ttl[0],
    DefaultTTL: ttl[1],
    MaxTTL: ttl[2],
    ParametersInCacheKeyAndForwardedToOrigin: cacheKey(key),
  } satisfies CachePolicyConfig,
});

const ORIGIN_HEADERS = ["Host", "Origin", "X-HTTP-Method-Override", "X-HTTP-Method", "X-Method-Override"];

export const MANAGED_CACHE_POLICIES = [
  cache("658327ea-f89d-4fab-a63d-7e88639e58f6", "Managed-CachingOptimized", "Policy with caching enabled. Supports Gzip and Brotli compression.", [1, 86400, 31536000], { gzip: true, brotli: true }),
  cache("4135ea2d-6df8-44a3-9df3-4b5a84be39ad", "Managed-CachingDisabled", "Policy with caching disabled", [0, 0, 0], { gzip: false, brotli: false }),
  cache("b2884449-e4de-46a7-ac36-70bc7f1ddd6d", "Managed-CachingOptimizedForUncompressedObjects", "Default policy when compression is disabled", [1, 86400, 31536000], { gzip: false, brotli: false }),
  cache("08627262-05a9-4f76-9ded-b50ca2e3a84f", "Managed-Elemental-MediaPackage", "Policy for Elemental MediaPackage Origin", [0, 86400, 31536000], {
    gzip: true,
    brotli: false,
    headers: ["origin"],
    qs: ["aws.manifestfilter", "start", "end", "m"],
  }),
  cache("2e54312d-136d-493c-8eb9-b001f22f67d2", "Managed-Amplify", "Policy for Amplify Origin", [2, 2, 600], {
    gzip: true,
    brotli: true,
    headers: ["Authorization", "CloudFront-Viewer-Country", "Host"],
    cookies: "all",
    qs: "all",
  }),
  cache("83da9c7e-98b4-4e11-a168-04f0df8e2c65", "UseOriginCacheControlHeaders", "Policy for origins that return Cache-Control headers. Query strings are not included in the cache key.", [0, 0, 31536000], {
    gzip: true,
    brotli: true,
    headers: ORIGIN_HEADERS,
    cookies: "all",
  }),
  cache("4cc15a8a-d715-48a4-82b8-cc0b614638fe", "UseOriginCacheControlHeaders-QueryStrings", "Policy for origins that return Cache-Control headers and serve different content based on values present in the query string.", [0, 0, 31536000], {
    gzip: true,
    brotli: true,
    headers: ORIGIN_HEADERS,
    cookies: "all",
    qs: "all",
  }),
];

type HeaderBehavior = "none" | "whitelist" | "allViewer" | "allViewerAndWhitelistCloudFront" | "allExcept";
const origin = (Id: string, Name: string, Comment: string, headers: [HeaderBehavior, string[]?], cookies: "none" | "all", qs: "none" | "all") => ({
  Id,
  config: {
    Name,
    Comment,
    HeadersConfig: { HeaderBehavior: headers[0], ...(headers[1] ? { Headers: items(headers[1]) } : {}) },
    CookiesConfig: { CookieBehavior: cookies },
    QueryStringsConfig: { QueryStringBehavior: qs },
  } satisfies OriginRequestPolicyConfig,
});

const CF_HEADERS_2022 = [
  "CloudFront-Viewer-Address", "CloudFront-Viewer-ASN", "CloudFront-Viewer-City", "CloudFront-Viewer-Country", "CloudFront-Viewer-Country-Name",
  "CloudFront-Viewer-Country-Region", "CloudFront-Viewer-Country-Region-Name", "CloudFront-Viewer-Http-Version", "CloudFront-Viewer-Latitude",
  "CloudFront-Viewer-Longitude", "CloudFront-Viewer-Metro-Code", "CloudFront-Viewer-Postal-Code", "CloudFront-Viewer-Time-Zone",
  "CloudFront-Viewer-TLS", "CloudFront-Is-Android-Viewer", "CloudFront-Is-Desktop-Viewer", "CloudFront-Is-IOS-Viewer",
  "CloudFront-Is-Mobile-Viewer", "CloudFront-Is-SmartTV-Viewer", "CloudFront-Is-Tablet-Viewer", "CloudFront-Forwarded-Proto",
  "CloudFront-Viewer-Header-Order", "CloudFront-Viewer-Header-Count", "CloudFront-Viewer-JA3-Fingerprint",
];

export const MANAGED_ORIGIN_REQUEST_POLICIES = [
  origin("216adef6-5c7f-47e4-b989-5492eafa07d3", "Managed-AllViewer", "Policy to forward all parameters in viewer requests", ["allViewer"], "all", "all"),
  origin("33f36d7e-f396-46d9-90e0-52428a34d9dc", "Managed-AllViewerAndCloudFrontHeaders-2022-06", "Policy to forward all parameters in viewer requests and all CloudFront headers that were released through June 2022", ["allViewerAndWhitelistCloudFront", CF_HEADERS_2022], "all", "all"),
  origin("b689b0a8-53d0-40ab-baf2-68738e2966ac", "Managed-AllViewerExceptHostHeader", "Policy to forward all parameters in viewer requests except for the Host header", ["allExcept", ["host"]], "all", "all"),
  origin("59781a5b-3903-41f3-afcb-af62929ccde1", "Managed-CORS-CustomOrigin", "Policy for Custom Origin with CORS", ["whitelist", ["origin"]], "none", "none"),
  origin("88a5eaf4-2fd4-4709-b370-b4c650ea3fcf", "Managed-CORS-S3Origin", "Policy for S3 origin with CORS", ["whitelist", ["origin", "access-control-request-headers", "access-control-request-method"]], "none", "none"),
  origin("775133bc-15f2-49f9-abea-afb2e0bf67d2", "Managed-Elemental-MediaTailor-PersonalizedManifests", "Policy for Elemental MediaTailor Personalized Manifests", ["whitelist", ["origin", "access-control-request-headers", "x-forwarded-for", "access-control-request-method", "user-agent"]], "none", "all"),
  origin("bf0718e1-ba1e-49d1-88b1-f726733018ae", "Managed-HostHeaderOnly", "Policy to forward only the Host header", ["whitelist", ["host"]], "none", "none"),
  origin("acba4595-bd28-49b8-b9fe-13317c0390fa", "Managed-UserAgentRefererHeaders", "Policy to forward user-agent and referer headers to origin", ["whitelist", ["user-agent", "referer"]], "none", "none"),
];

const simpleCors = {
  AccessControlAllowOrigins: items(["*"]),
  AccessControlAllowHeaders: items(["*"]),
  AccessControlAllowMethods: items(["GET", "HEAD"] as const),
  AccessControlAllowCredentials: false,
  AccessControlExposeHeaders: items(["*"]),
  OriginOverride: false,
};
const preflightCors = {
  ...simpleCors,
  AccessControlAllowMethods: items(["GET", "HEAD", "PUT", "POST", "PATCH", "DELETE", "OPTIONS"] as const),
  AccessControlMaxAgeSec: 600,
};
const security = {
  XSSProtection: { Override: false, Protection: true, ModeBlock: true },
  FrameOptions: { Override: false, FrameOption: "SAMEORIGIN" as const },
  ReferrerPolicy: { Override: false, ReferrerPolicy: "strict-origin-when-cross-origin" as const },
  ContentTypeOptions: { Override: true },
  StrictTransportSecurity: { Override: false, IncludeSubdomains: false, Preload: false, AccessControlMaxAgeSec: 31536000 },
};

const response = (Id: string, Name: string, Comment: string, parts: Record<string, unknown>) => ({
  Id,
  config: { Name, Comment, ...parts } as ResponseHeadersPolicyConfig,
});

export const MANAGED_RESPONSE_HEADERS_POLICIES = [
  response("60669652-455b-4ae9-85a4-c4c02393f86c", "Managed-SimpleCORS", "Allows all origins for simple CORS requests", { CorsConfig: simpleCors }),
  response("5cc3b908-e619-4b99-88e5-2cf7f45965bd", "Managed-CORS-With-Preflight", "Allows all origins for CORS requests, including preflight requests", { CorsConfig: preflightCors }),
  response("67f7725c-6f97-4210-82d7-5512b31e9d03", "Managed-SecurityHeadersPolicy", "Adds a set of security headers to every response", { SecurityHeadersConfig: security }),
  response("e61eb60c-9c35-4d20-a928-2b84e02af89c", "Managed-CORS-and-SecurityHeadersPolicy", "Allows all origins for simple CORS requests and adds security headers", { CorsConfig: simpleCors, SecurityHeadersConfig: security }),
  response("eaab4381-ed33-4a86-88ca-d9558dc6cd63", "Managed-CORS-with-preflight-and-SecurityHeadersPolicy", "Allows all origins for CORS requests, including preflight requests, and adds security headers", { CorsConfig: preflightCors, SecurityHeadersConfig: security }),
];

/** When AWS last changed its managed policies, as Get and List report it. */
export const MANAGED_LAST_MODIFIED = "2021-11-02T00:00:00.000Z";
