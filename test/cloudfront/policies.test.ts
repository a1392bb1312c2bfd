import assert from "node:assert/strict";
import { beforeEach, describe, it } from "node:test";
import {
  CreateCachePolicyCommand,
  CreateDistributionCommand,
  CreateOriginRequestPolicyCommand,
  CreateResponseHeadersPolicyCommand,
  DeleteCachePolicyCommand,
  DeleteOriginRequestPolicyCommand,
  DeleteResponseHeadersPolicyCommand,
  GetCachePolicyCommand,
  GetCachePolicyConfigCommand,
  GetOriginRequestPolicyCommand,
  GetOriginRequestPolicyConfigCommand,
  GetResponseHeadersPolicyCommand,
  GetResponseHeadersPolicyConfigCommand,
  ListCachePoliciesCommand,
  ListDistributionsByCachePolicyIdCommand,
  ListDistributionsByOriginRequestPolicyIdCommand,
  ListDistributionsByResponseHeadersPolicyIdCommand,
  ListOriginRequestPoliciesCommand,
  ListResponseHeadersPoliciesCommand,
  UpdateCachePolicyCommand,
  UpdateOriginRequestPolicyCommand,
  UpdateResponseHeadersPolicyCommand,
} from "@aws-sdk/client-cloudfront";
import { failure, useServer } from "../harness.js";
import { cloudFront, distributionConfig, ETAG, MANAGED_CACHING_OPTIMIZED, refusal, reset, storeState, UUID } from "./fixtures.js";

const server = useServer();
const client = () => cloudFront(server().endpoint);
beforeEach(() => reset(server().endpoint));
const refused = refusal(() => storeState(server().store as never));

const cacheConfig = (Name: string, extra = {}) => ({
  Name,
  Comment: "c",
  MinTTL: 1,
  ParametersInCacheKeyAndForwardedToOrigin: {
    EnableAcceptEncodingGzip: true,
    HeadersConfig: { HeaderBehavior: "none" as const },
    CookiesConfig: { CookieBehavior: "none" as const },
    QueryStringsConfig: { QueryStringBehavior: "none" as const },
  },
  ...extra,
});
const originConfig = (Name: string) => ({
  Name,
  HeadersConfig: { HeaderBehavior: "whitelist" as const, Headers: { Quantity: 1, Items: ["origin"] } },
  CookiesConfig: { CookieBehavior: "none" as const },
  QueryStringsConfig: { QueryStringBehavior: "all" as const },
});
const responseConfig = (Name: string) => ({
  Name,
  CustomHeadersConfig: { Quantity: 1, Items: [{ Header: "x-powered-by", Value: "nubis", Override: true }] },
});

describe("cache policies", () => {
  it("create (201, UUID, Location, ETag, defaults), get, get-config, update (new ETag), delete (204)", async () => {
    const out = await client().send(new CreateCachePolicyCommand({ CachePolicyConfig: cacheConfig("mine") }));
    assert.equal(out.$metadata.httpStatusCode, 201);
    const id = out.CachePolicy!.Id!;
    assert.match(id, UUID);
    assert.match(out.ETag!, ETAG);
    assert.equal(out.Location, `https://cloudfront.amazonaws.com/2020-05-31/cache-policy/${id}`);
    const c = out.CachePolicy!.CachePolicyConfig!;
    assert.equal(c.DefaultTTL, 86400);
    assert.equal(c.MaxTTL, 31536000);
    assert.equal(c.ParametersInCacheKeyAndForwardedToOrigin!.EnableAcceptEncodingBrotli, false);
    const got = await client().send(new GetCachePolicyCommand({ Id: id }));
    assert.equal(got.ETag, out.ETag);
    assert.deepEqual((await client().send(new GetCachePolicyConfigCommand({ Id: id }))).CachePolicyConfig, c);
    const up = await client().send(new UpdateCachePolicyCommand({ Id: id, IfMatch: out.ETag, CachePolicyConfig: cacheConfig("renamed", { MinTTL: 5 }) }));
    assert.notEqual(up.ETag, out.ETag);
    assert.equal(up.CachePolicy!.CachePolicyConfig!.Name, "renamed");
    await refused(() => client().send(new DeleteCachePolicyCommand({ Id: id, IfMatch: out.ETag })), "PreconditionFailed", 412);
    await refused(() => client().send(new DeleteCachePolicyCommand({ Id: id })), "InvalidIfMatchVersion", 400);
    const del = await client().send(new DeleteCachePolicyCommand({ Id: id, IfMatch: up.ETag }));
    assert.equal(del.$metadata.httpStatusCode, 204);
    await refused(() => client().send(new GetCachePolicyCommand({ Id: id })), "NoSuchCachePolicy", 404);
  });

  it("refuses a taken name (409), bad TTL order, too many headers, and past the quota of 20", async () => {
    await client().send(new CreateCachePolicyCommand({ CachePolicyConfig: cacheConfig("taken") }));
    await refused(() => client().send(new CreateCachePolicyCommand({ CachePolicyConfig: cacheConfig("taken") })), "CachePolicyAlreadyExists", 409);
    await refused(() => client().send(new CreateCachePolicyCommand({ CachePolicyConfig: cacheConfig("ttl", { MinTTL: 10, DefaultTTL: 5 }) })), "InvalidArgument", 400);
    const headers = Array.from({ length: 11 }, (_, i) => `h${i}`);
    const tooMany = cacheConfig("many");
    tooMany.ParametersInCacheKeyAndForwardedToOrigin.HeadersConfig = { HeaderBehavior: "whitelist", Headers: { Quantity: 11, Items: headers } } as never;
    await refused(() => client().send(new CreateCachePolicyCommand({ CachePolicyConfig: tooMany })), "TooManyHeadersInCachePolicy", 400);
    for (let i = 1; i < 20; i++) await client().send(new CreateCachePolicyCommand({ CachePolicyConfig: cacheConfig(`p${i}`) }));
    await refused(() => client().send(new CreateCachePolicyCommand({ CachePolicyConfig: cacheConfig("p21") })), "TooManyCachePolicies", 400);
  });

  it("serves the managed policies with fixed ids; refuses their update (IllegalUpdate) and delete (IllegalDelete)", async () => {
    const got = await client().send(new GetCachePolicyCommand({ Id: MANAGED_CACHING_OPTIMIZED }));
    assert.equal(got.CachePolicy!.CachePolicyConfig!.Name, "Managed-CachingOptimized");
    assert.equal((await client().send(new GetCachePolicyCommand({ Id: MANAGED_CACHING_OPTIMIZED }))).ETag, got.ETag);
    await refused(() => client().send(new UpdateCachePolicyCommand({ Id: MANAGED_CACHING_OPTIMIZED, IfMatch: got.ETag, CachePolicyConfig: cacheConfig("x") })), "IllegalUpdate", 400);
    await refused(() => client().send(new DeleteCachePolicyCommand({ Id: MANAGED_CACHING_OPTIMIZED, IfMatch: got.ETag })), "IllegalDelete", 400);
    const managed = await client().send(new ListCachePoliciesCommand({ Type: "managed" }));
    const names = managed.CachePolicyList!.Items!.map((i) => i.CachePolicy!.CachePolicyConfig!.Name);
    assert.ok(names.includes("Managed-CachingDisabled") && names.includes("UseOriginCacheControlHeaders"));
    assert.ok(managed.CachePolicyList!.Items!.every((i) => i.Type === "managed"));
    await client().send(new CreateCachePolicyCommand({ CachePolicyConfig: cacheConfig("custom1") }));
    const custom = await client().send(new ListCachePoliciesCommand({ Type: "custom" }));
    assert.deepEqual(custom.CachePolicyList!.Items!.map((i) => [i.Type, i.CachePolicy!.CachePolicyConfig!.Name]), [["custom", "custom1"]]);
    // No Type: managed first, then custom, paged without overlap.
    const seen: string[] = [];
    let marker: string | undefined;
    do {
      const page = await client().send(new ListCachePoliciesCommand({ MaxItems: 3, Marker: marker }));
      seen.push(...page.CachePolicyList!.Items!.map((i) => i.CachePolicy!.Id!));
      marker = page.CachePolicyList!.NextMarker;
    } while (marker);
    assert.equal(seen.length, managed.CachePolicyList!.Quantity! + 1);
    assert.equal(new Set(seen).size, seen.length);
    await refused(() => client().send(new ListCachePoliciesCommand({ Type: "other" as never })), "InvalidArgument", 400);
  });

  it("a policy used by a distribution cannot be deleted (CachePolicyInUse 409) and is listed by ListDistributionsByCachePolicyId", async () => {
    const p = await client().send(new CreateCachePolicyCommand({ CachePolicyConfig: cacheConfig("used") }));
    const id = p.CachePolicy!.Id!;
    const d = await client().send(new CreateDistributionCommand({ DistributionConfig: distributionConfig({}, { CachePolicyId: id, ForwardedValues: undefined, MinTTL: undefined }) }));
    assert.equal(d.Distribution!.DistributionConfig!.DefaultCacheBehavior!.ForwardedValues, undefined);
    await refused(() => client().send(new DeleteCachePolicyCommand({ Id: id, IfMatch: p.ETag })), "CachePolicyInUse", 409);
    const by = await client().send(new ListDistributionsByCachePolicyIdCommand({ CachePolicyId: id }));
    assert.deepEqual(by.DistributionIdList!.Items, [d.Distribution!.Id]);
    const managed = await client().send(new ListDistributionsByCachePolicyIdCommand({ CachePolicyId: MANAGED_CACHING_OPTIMIZED }));
    assert.equal(managed.DistributionIdList!.Quantity, 0);
    await refused(() => client().send(new ListDistributionsByCachePolicyIdCommand({ CachePolicyId: "00000000-0000-0000-0000-000000000000" })), "NoSuchCachePolicy", 404);
  });
});

describe("origin request and response headers policies", () => {
  it("origin request policies: CRUD, managed ones, in use", async () => {
    const out = await client().send(new CreateOriginRequestPolicyCommand({ OriginRequestPolicyConfig: originConfig("orp") }));
    const id = out.OriginRequestPolicy!.Id!;
    assert.equal((await client().send(new GetOriginRequestPolicyCommand({ Id: id }))).ETag, out.ETag);
    assert.equal((await client().send(new GetOriginRequestPolicyConfigCommand({ Id: id }))).OriginRequestPolicyConfig!.Name, "orp");
    await refused(() => client().send(new CreateOriginRequestPolicyCommand({ OriginRequestPolicyConfig: originConfig("orp") })), "OriginRequestPolicyAlreadyExists", 409);
    const up = await client().send(new UpdateOriginRequestPolicyCommand({ Id: id, IfMatch: out.ETag, OriginRequestPolicyConfig: originConfig("orp2") }));
    const all = await client().send(new ListOriginRequestPoliciesCommand({ Type: "managed" }));
    const allViewer = all.OriginRequestPolicyList!.Items!.find((i) => i.OriginRequestPolicy!.OriginRequestPolicyConfig!.Name === "Managed-AllViewer")!;
    assert.equal(allViewer.OriginRequestPolicy!.Id, "216adef6-5c7f-47e4-b989-5492eafa07d3");
    const d = await client().send(new CreateDistributionCommand({ DistributionConfig: distributionConfig({}, { OriginRequestPolicyId: id }) }));
    await refused(() => client().send(new DeleteOriginRequestPolicyCommand({ Id: id, IfMatch: up.ETag })), "OriginRequestPolicyInUse", 409);
    assert.deepEqual((await client().send(new ListDistributionsByOriginRequestPolicyIdCommand({ OriginRequestPolicyId: id }))).DistributionIdList!.Items, [d.Distribution!.Id]);
    await refused(() => client().send(new DeleteOriginRequestPolicyCommand({ Id: "216adef6-5c7f-47e4-b989-5492eafa07d3", IfMatch: "E0" })), "IllegalDelete", 400);
    await refused(() => client().send(new GetOriginRequestPolicyCommand({ Id: "nope" })), "NoSuchOriginRequestPolicy", 404);
  });

  it("response headers policies: CRUD, managed ones, limits, in use", async () => {
    const out = await client().send(new CreateResponseHeadersPolicyCommand({ ResponseHeadersPolicyConfig: responseConfig("rhp") }));
    const id = out.ResponseHeadersPolicy!.Id!;
    assert.equal((await client().send(new GetResponseHeadersPolicyCommand({ Id: id }))).ETag, out.ETag);
    assert.equal((await client().send(new GetResponseHeadersPolicyConfigCommand({ Id: id }))).ResponseHeadersPolicyConfig!.Name, "rhp");
    const up = await client().send(new UpdateResponseHeadersPolicyCommand({ Id: id, IfMatch: out.ETag, ResponseHeadersPolicyConfig: responseConfig("rhp2") }));
    const many = { Name: "many", CustomHeadersConfig: { Quantity: 11, Items: Array.from({ length: 11 }, (_, i) => ({ Header: `x-${i}`, Value: "v", Override: true })) } };
    await refused(() => client().send(new CreateResponseHeadersPolicyCommand({ ResponseHeadersPolicyConfig: many })), "TooManyCustomHeadersInResponseHeadersPolicy", 400);
    const managed = await client().send(new ListResponseHeadersPoliciesCommand({ Type: "managed" }));
    assert.equal(managed.ResponseHeadersPolicyList!.Quantity, 5);
    const d = await client().send(new CreateDistributionCommand({ DistributionConfig: distributionConfig({}, { ResponseHeadersPolicyId: id }) }));
    await refused(() => client().send(new DeleteResponseHeadersPolicyCommand({ Id: id, IfMatch: up.ETag })), "ResponseHeadersPolicyInUse", 409);
    assert.deepEqual((await client().send(new ListDistributionsByResponseHeadersPolicyIdCommand({ ResponseHeadersPolicyId: id }))).DistributionIdList!.Items, [d.Distribution!.Id]);
    const e = await failure(client().send(new UpdateResponseHeadersPolicyCommand({ Id: "60669652-455b-4ae9-85a4-c4c02393f86c", IfMatch: "x", ResponseHeadersPolicyConfig: responseConfig("z") })));
    assert.equal(e.name, "IllegalUpdate");
  });
});
