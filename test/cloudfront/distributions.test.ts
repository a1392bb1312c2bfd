import assert from "node:assert/strict";
import { beforeEach, describe, it } from "node:test";
import {
  CreateDistributionCommand,
  CreateDistributionWithTagsCommand,
  DeleteDistributionCommand,
  GetDistributionCommand,
  GetDistributionConfigCommand,
  ListDistributionsByConnectionModeCommand,
  ListDistributionsByWebACLIdCommand,
  ListDistributionsCommand,
  ListTagsForResourceCommand,
  UpdateDistributionCommand,
  AssociateDistributionWebACLCommand,
  DisassociateDistributionWebACLCommand,
  waitUntilDistributionDeployed,
} from "@aws-sdk/client-cloudfront";
import { failure, useServer } from "../harness.js";
import { cloudFront, distributionConfig, DISTRIBUTION_DOMAIN, DISTRIBUTION_ID, ETAG, refusal, reset, storeState, until } from "./fixtures.js";

const server = useServer({ cloudfrontDeployDelayMs: 100 });
const small = useServer({ quotas: { "cloudfront.DistributionsPerAccount": 2 } });
const limited = () => cloudFront(small().endpoint);
const slow = useServer({ cloudfrontDeployDelayMs: 3_600_000 });
const client = () => cloudFront(server().endpoint);
beforeEach(() => reset(server().endpoint));
const refused = refusal(() => storeState(server().store as never));

const create = (extra = {}, behaviour = {}) => client().send(new CreateDistributionCommand({ DistributionConfig: distributionConfig(extra, behaviour) }));
const get = (Id: string) => client().send(new GetDistributionCommand({ Id }));
const deployed = (Id: string) => until(() => get(Id), (d) => d.Distribution!.Status === "Deployed");
const WAF = "arn:aws:wafv2:us-east-1:000000000000:global/webacl/site/0c4f7f2a-1111-4c5e-9a0e-1234567890ab";

describe("CreateDistribution", () => {
  it("creates: 201, E… id, d….cloudfront.net, Location, ETag, InProgress, the defaults echoed", async () => {
    const out = await create();
    assert.equal(out.$metadata.httpStatusCode, 201);
    const d = out.Distribution!;
    assert.match(d.Id!, DISTRIBUTION_ID);
    assert.match(d.DomainName!, DISTRIBUTION_DOMAIN);
    assert.match(out.ETag!, ETAG);
    assert.equal(out.Location, `https://cloudfront.amazonaws.com/2020-05-31/distribution/${d.Id}`);
    assert.equal(d.ARN, `arn:aws:cloudfront::000000000000:distribution/${d.Id}`);
    assert.equal(d.Status, "InProgress");
    assert.equal(d.InProgressInvalidationBatches, 0);
    assert.deepEqual(d.ActiveTrustedKeyGroups, { Enabled: false, Quantity: 0 });
    const c = d.DistributionConfig!;
    assert.deepEqual(c.Aliases, { Quantity: 0 });
    assert.equal(c.DefaultRootObject, "");
    assert.equal(c.PriceClass, "PriceClass_All");
    assert.equal(c.HttpVersion, "http2");
    assert.equal(c.IsIPV6Enabled, true);
    assert.equal(c.WebACLId, "");
    assert.deepEqual(c.ViewerCertificate, { CloudFrontDefaultCertificate: true, MinimumProtocolVersion: "TLSv1", CertificateSource: "cloudfront" });
    assert.deepEqual(c.Restrictions, { GeoRestriction: { RestrictionType: "none", Quantity: 0 } });
    assert.deepEqual(c.Logging, { Enabled: false, IncludeCookies: false, Bucket: "", Prefix: "" });
    const b = c.DefaultCacheBehavior!;
    assert.deepEqual(b.AllowedMethods, { Quantity: 2, Items: ["HEAD", "GET"], CachedMethods: { Quantity: 2, Items: ["HEAD", "GET"] } });
    assert.equal(b.DefaultTTL, 86400);
    assert.equal(b.MaxTTL, 31536000);
    assert.deepEqual(b.ForwardedValues!.Headers, { Quantity: 0 });
    const o = c.Origins!.Items![0];
    assert.equal(o.OriginPath, "");
    assert.equal(o.ConnectionAttempts, 3);
    assert.equal(o.ConnectionTimeout, 10);
    assert.deepEqual(o.OriginShield, { Enabled: false });
  });

  it("Get and GetConfig return the create ETag; the status becomes Deployed without a new ETag", async () => {
    const out = await create();
    const id = out.Distribution!.Id!;
    const cfg = await client().send(new GetDistributionConfigCommand({ Id: id }));
    assert.equal(cfg.ETag, out.ETag);
    assert.deepEqual(cfg.DistributionConfig, out.Distribution!.DistributionConfig);
    const done = await deployed(id);
    assert.equal(done.ETag, out.ETag);
  });

  it("waitUntilDistributionDeployed succeeds", async () => {
    const out = await create();
    const r = await waitUntilDistributionDeployed({ client: client(), maxWaitTime: 20, minDelay: 1, maxDelay: 1 }, { Id: out.Distribution!.Id });
    assert.equal(r.state, "SUCCESS");
  });

  it("CreateDistributionWithTags applies the tags; invalid tags create nothing", async () => {
    const cfg = distributionConfig();
    const out = await client().send(new CreateDistributionWithTagsCommand({ DistributionConfigWithTags: { DistributionConfig: cfg, Tags: { Items: [{ Key: "env", Value: "test" }] } } }));
    const tags = await client().send(new ListTagsForResourceCommand({ Resource: out.Distribution!.ARN }));
    assert.deepEqual(tags.Tags!.Items, [{ Key: "env", Value: "test" }]);
    await refused(
      () => client().send(new CreateDistributionWithTagsCommand({ DistributionConfigWithTags: { DistributionConfig: distributionConfig(), Tags: { Items: [{ Key: "" }] } } })),
      "InvalidTagging",
      400,
    );
  });

  it("refuses a CallerReference in use with DistributionAlreadyExists (409)", async () => {
    const cfg = distributionConfig();
    await client().send(new CreateDistributionCommand({ DistributionConfig: cfg }));
    await refused(() => client().send(new CreateDistributionCommand({ DistributionConfig: cfg })), "DistributionAlreadyExists", 409);
  });

  it("refuses invalid configs with the spec's codes, creating nothing", async () => {
    const cases: Array<[Record<string, unknown>, Record<string, unknown>, string, number]> = [
      [{ Origins: { Quantity: 2, Items: [{ Id: "origin1", DomainName: "a.example.com", CustomOriginConfig: { HTTPPort: 80, HTTPSPort: 443, OriginProtocolPolicy: "http-only" } }] } }, {}, "InconsistentQuantities", 400],
      [{}, { TargetOriginId: "nope" }, "NoSuchOrigin", 404],
      [{}, { ForwardedValues: undefined }, "InvalidArgument", 400],
      [{}, { CachePolicyId: "658327ea-f89d-4fab-a63d-7e88639e58f6" }, "InvalidArgument", 400],
      [{}, { MinTTL: 10, DefaultTTL: 5 }, "InvalidTTLOrder", 400],
      [{}, { CachePolicyId: "00000000-0000-0000-0000-000000000000", ForwardedValues: undefined, MinTTL: undefined }, "NoSuchCachePolicy", 404],
      [{}, { TrustedKeyGroups: { Enabled: true, Quantity: 1, Items: ["00000000-0000-0000-0000-000000000000"] } }, "TrustedKeyGroupDoesNotExist", 400],
      [{}, { TrustedSigners: { Enabled: true, Quantity: 1, Items: ["bogus"] } }, "TrustedSignerDoesNotExist", 400],
      [{ Comment: "c".repeat(129) }, {}, "InvalidArgument", 400],
      [{ DefaultRootObject: "/index.html" }, {}, "InvalidDefaultRootObject", 400],
      [{ Aliases: { Quantity: 1, Items: ["www.example.com"] } }, {}, "InvalidViewerCertificate", 400],
      [{ WebACLId: "not-a-web-acl" }, {}, "InvalidWebACLId", 400],
      [{ Origins: { Quantity: 1, Items: [{ Id: "origin1", DomainName: "b.s3.amazonaws.com", S3OriginConfig: { OriginAccessIdentity: "origin-access-identity/cloudfront/E000000000000" } }] } }, {}, "InvalidOriginAccessIdentity", 400],
      [{ Origins: { Quantity: 1, Items: [{ Id: "origin1", DomainName: "b.s3.amazonaws.com", OriginAccessControlId: "E0000000000000", S3OriginConfig: { OriginAccessIdentity: "" } }] } }, {}, "InvalidOriginAccessControl", 400],
      [{ Origins: { Quantity: 1, Items: [{ Id: "origin1", DomainName: "a.example.com", CustomOriginConfig: { HTTPPort: 80, HTTPSPort: 443, OriginProtocolPolicy: "http-only", OriginReadTimeout: 500 } }] } }, {}, "InvalidOriginReadTimeout", 400],
      [{ Origins: { Quantity: 1, Items: [{ Id: "origin1", DomainName: "a.example.com", S3OriginConfig: { OriginAccessIdentity: "" }, CustomOriginConfig: { HTTPPort: 80, HTTPSPort: 443, OriginProtocolPolicy: "http-only" } }] } }, {}, "InvalidOrigin", 400],
      [{}, { FunctionAssociations: { Quantity: 1, Items: [{ FunctionARN: "arn:aws:cloudfront::000000000000:function/none", EventType: "viewer-request" }] } }, "InvalidFunctionAssociation", 400],
      [{ AnycastIpListId: "aip_000000000000000000000000000" }, {}, "EntityNotFound", 404],
      [{ ConnectionMode: "tenant-only", PriceClass: "PriceClass_100" }, {}, "InvalidArgument", 400],
      [{ OriginGroups: { Quantity: 1, Items: [{ Id: "group", FailoverCriteria: { StatusCodes: { Quantity: 1, Items: [500] } }, Members: { Quantity: 2, Items: [{ OriginId: "origin1" }, { OriginId: "ghost" }] } }] } }, {}, "NoSuchOrigin", 404],
      [{ CacheBehaviors: { Quantity: 2, Items: [1, 2].map(() => ({ PathPattern: "/a/*", TargetOriginId: "origin1", ViewerProtocolPolicy: "allow-all", ForwardedValues: { QueryString: false, Cookies: { Forward: "none" } }, MinTTL: 0 })) } }, {}, "InvalidArgument", 400],
      [{ CacheBehaviors: { Quantity: 1, Items: [{ PathPattern: "/a/*", TargetOriginId: "origin1", ViewerProtocolPolicy: "sometimes", ForwardedValues: { QueryString: false, Cookies: { Forward: "none" } }, MinTTL: 0 }] } }, {}, "InvalidArgument", 400],
      [{ CustomErrorResponses: { Quantity: 1, Items: [{ ErrorCode: 200 }] } }, {}, "InvalidErrorCode", 400],
      [{ Restrictions: { GeoRestriction: { RestrictionType: "whitelist", Quantity: 0 } } }, {}, "InvalidGeoRestrictionParameter", 400],
      [{ Restrictions: { GeoRestriction: { RestrictionType: "whitelist", Quantity: 1, Items: ["usa"] } } }, {}, "InvalidLocationCode", 400],
      [{ ViewerCertificate: { ACMCertificateArn: "arn:aws:acm:eu-west-1:000000000000:certificate/12345678-1234-1234-1234-123456789012", SSLSupportMethod: "sni-only" } }, {}, "InvalidViewerCertificate", 400],
    ];
    for (const [extra, behaviour, code, status] of cases) {
      await refused(() => client().send(new CreateDistributionCommand({ DistributionConfig: distributionConfig(extra, behaviour) })), code, status);
    }
  });

  it("accepts an origin group, ordered cache behaviours, error responses and geo restrictions, echoing them", async () => {
    const out = await create({
      Origins: { Quantity: 2, Items: ["a", "b"].map((Id) => ({ Id, DomainName: `${Id}.example.com`, CustomOriginConfig: { HTTPPort: 80, HTTPSPort: 443, OriginProtocolPolicy: "https-only" } })) },
      OriginGroups: { Quantity: 1, Items: [{ Id: "group", FailoverCriteria: { StatusCodes: { Quantity: 2, Items: [500, 502] } }, Members: { Quantity: 2, Items: [{ OriginId: "a" }, { OriginId: "b" }] } }] },
      CacheBehaviors: { Quantity: 1, Items: [{ PathPattern: "/api/*", TargetOriginId: "a", ViewerProtocolPolicy: "https-only", CachePolicyId: "4135ea2d-6df8-44a3-9df3-4b5a84be39ad" }] },
      CustomErrorResponses: { Quantity: 1, Items: [{ ErrorCode: 404, ResponsePagePath: "/404.html", ResponseCode: "404" }] },
      Restrictions: { GeoRestriction: { RestrictionType: "blacklist", Quantity: 1, Items: ["KP"] } },
    }, { TargetOriginId: "group" });
    const c = out.Distribution!.DistributionConfig!;
    assert.equal(c.Origins!.Items![0].CustomOriginConfig!.OriginReadTimeout, 30);
    assert.deepEqual(c.Origins!.Items![0].CustomOriginConfig!.OriginSslProtocols, { Quantity: 3, Items: ["TLSv1", "TLSv1.1", "TLSv1.2"] });
    assert.equal(c.OriginGroups!.Quantity, 1);
    assert.equal(c.CacheBehaviors!.Items![0].CachePolicyId, "4135ea2d-6df8-44a3-9df3-4b5a84be39ad");
    assert.equal(c.CustomErrorResponses!.Items![0].ErrorCachingMinTTL, 10);
    assert.deepEqual(c.Restrictions!.GeoRestriction!.Items, ["KP"]);
  });

  it("refuses a CNAME another distribution holds with CNAMEAlreadyExists (409), case-insensitively", async () => {
    const cert = { ACMCertificateArn: "arn:aws:acm:us-east-1:000000000000:certificate/12345678-1234-1234-1234-123456789012", SSLSupportMethod: "sni-only", MinimumProtocolVersion: "TLSv1.2_2021" };
    const a = await create({ Aliases: { Quantity: 1, Items: ["www.example.com"] }, ViewerCertificate: cert });
    assert.equal(a.Distribution!.DistributionConfig!.ViewerCertificate!.CertificateSource, "acm");
    await refused(() => create({ Aliases: { Quantity: 1, Items: ["WWW.example.com"] }, ViewerCertificate: cert }), "CNAMEAlreadyExists", 409);
  });

  it("answers TooManyDistributions past the quota (--quota cloudfront.DistributionsPerAccount=2)", async () => {
    await limited().send(new CreateDistributionCommand({ DistributionConfig: distributionConfig() }));
    await limited().send(new CreateDistributionCommand({ DistributionConfig: distributionConfig() }));
    const error = await failure(limited().send(new CreateDistributionCommand({ DistributionConfig: distributionConfig() })));
    assert.equal(error.name, "TooManyDistributions");
    assert.equal(error.$metadata.httpStatusCode, 400);
    assert.equal((await limited().send(new ListDistributionsCommand({}))).DistributionList!.Quantity, 2);
  });
});

describe("UpdateDistribution / DeleteDistribution", () => {
  it("replaces the whole config with If-Match, new ETag, InProgress; omitted members revert to defaults", async () => {
    const out = await create({ DefaultRootObject: "index.html", Comment: "first" });
    const id = out.Distribution!.Id!;
    await deployed(id);
    const cfg = distributionConfig({ CallerReference: out.Distribution!.DistributionConfig!.CallerReference, Comment: "second" });
    const up = await client().send(new UpdateDistributionCommand({ Id: id, IfMatch: out.ETag, DistributionConfig: cfg }));
    assert.notEqual(up.ETag, out.ETag);
    assert.equal(up.Distribution!.Status, "InProgress");
    assert.equal(up.Distribution!.DistributionConfig!.Comment, "second");
    assert.equal(up.Distribution!.DistributionConfig!.DefaultRootObject, "");
    assert.equal((await get(id)).ETag, up.ETag);
  });

  it("refuses a missing If-Match (400), a stale one (412), a changed CallerReference (IllegalUpdate) and an unknown Id (404) first", async () => {
    const out = await create();
    const id = out.Distribution!.Id!;
    const cfg = { ...out.Distribution!.DistributionConfig! };
    await refused(() => client().send(new UpdateDistributionCommand({ Id: id, DistributionConfig: cfg })), "InvalidIfMatchVersion", 400);
    await refused(() => client().send(new UpdateDistributionCommand({ Id: id, IfMatch: "E000000000000", DistributionConfig: cfg })), "PreconditionFailed", 412);
    await refused(() => client().send(new UpdateDistributionCommand({ Id: id, IfMatch: out.ETag, DistributionConfig: { ...cfg, CallerReference: "other" } })), "IllegalUpdate", 400);
    await refused(() => client().send(new UpdateDistributionCommand({ Id: "E0000000000000", IfMatch: out.ETag, DistributionConfig: cfg })), "NoSuchDistribution", 404);
  });

  it("one of two racing updates with the same If-Match wins", async () => {
    const out = await create();
    const cfg = out.Distribution!.DistributionConfig!;
    const results = await Promise.allSettled([1, 2, 3].map((n) => client().send(new UpdateDistributionCommand({ Id: out.Distribution!.Id, IfMatch: out.ETag, DistributionConfig: { ...cfg, Comment: `n${n}` } }))));
    assert.equal(results.filter((r) => r.status === "fulfilled").length, 1);
  });

  it("deletes only a disabled, deployed distribution: DistributionNotDisabled (409) before", async () => {
    const out = await create();
    const id = out.Distribution!.Id!;
    await refused(() => client().send(new DeleteDistributionCommand({ Id: id, IfMatch: out.ETag })), "DistributionNotDisabled", 409);
    const cfg = { ...out.Distribution!.DistributionConfig!, Enabled: false };
    const up = await client().send(new UpdateDistributionCommand({ Id: id, IfMatch: out.ETag, DistributionConfig: cfg }));
    await deployed(id);
    await refused(() => client().send(new DeleteDistributionCommand({ Id: id, IfMatch: out.ETag })), "PreconditionFailed", 412);
    const del = await client().send(new DeleteDistributionCommand({ Id: id, IfMatch: up.ETag }));
    assert.equal(del.$metadata.httpStatusCode, 204);
    await refused(() => get(id), "NoSuchDistribution", 404);
    // Its CallerReference is free again.
    await client().send(new CreateDistributionCommand({ DistributionConfig: cfg }));
  });
});

describe("a disable that has not finished deploying", () => {
  it("still refuses the delete with DistributionNotDisabled (409)", async () => {
    const held = cloudFront(slow().endpoint);
    const cfg = distributionConfig({ Enabled: false });
    const out = await held.send(new CreateDistributionCommand({ DistributionConfig: cfg }));
    const e = await failure(held.send(new DeleteDistributionCommand({ Id: out.Distribution!.Id, IfMatch: out.ETag })));
    assert.deepEqual([e.name, e.$metadata.httpStatusCode], ["DistributionNotDisabled", 409]);
    assert.equal((await held.send(new GetDistributionCommand({ Id: out.Distribution!.Id }))).ETag, out.ETag);
  });
});

describe("ListDistributions and ListDistributionsBy*", () => {
  it("pages in Id order with Marker/NextMarker; summaries carry the ETag", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await create()).Distribution!.Id!);
    ids.sort();
    const p1 = await client().send(new ListDistributionsCommand({ MaxItems: 2 }));
    assert.equal(p1.DistributionList!.IsTruncated, true);
    assert.equal(p1.DistributionList!.Quantity, 2);
    const p2 = await client().send(new ListDistributionsCommand({ MaxItems: 2, Marker: p1.DistributionList!.NextMarker }));
    assert.equal(p2.DistributionList!.IsTruncated, false);
    assert.deepEqual([...p1.DistributionList!.Items!, ...p2.DistributionList!.Items!].map((d) => d.Id), ids);
    const first = p1.DistributionList!.Items![0];
    assert.equal(first.ETag, (await get(first.Id!)).ETag);
    const empty = await client().send(new ListDistributionsCommand({ Marker: ids[2] }));
    assert.deepEqual({ q: empty.DistributionList!.Quantity, items: empty.DistributionList!.Items }, { q: 0, items: undefined });
  });

  it("ByWebACLId (and null), Associate/DisassociateDistributionWebACL", async () => {
    const a = await create();
    const b = await create({ WebACLId: WAF });
    const byAcl = await client().send(new ListDistributionsByWebACLIdCommand({ WebACLId: WAF }));
    assert.deepEqual(byAcl.DistributionList!.Items!.map((d) => d.Id), [b.Distribution!.Id]);
    const none = await client().send(new ListDistributionsByWebACLIdCommand({ WebACLId: "null" }));
    assert.deepEqual(none.DistributionList!.Items!.map((d) => d.Id), [a.Distribution!.Id]);
    const assoc = await client().send(new AssociateDistributionWebACLCommand({ Id: a.Distribution!.Id, WebACLArn: WAF, IfMatch: a.ETag }));
    assert.equal(assoc.WebACLArn, WAF);
    assert.notEqual(assoc.ETag, a.ETag);
    assert.equal((await client().send(new ListDistributionsByWebACLIdCommand({ WebACLId: WAF }))).DistributionList!.Quantity, 2);
    await client().send(new DisassociateDistributionWebACLCommand({ Id: a.Distribution!.Id, IfMatch: assoc.ETag }));
    assert.equal((await client().send(new ListDistributionsByWebACLIdCommand({ WebACLId: WAF }))).DistributionList!.Quantity, 1);
    await refused(() => client().send(new ListDistributionsByWebACLIdCommand({ WebACLId: "bad" })), "InvalidWebACLId", 400);
  });

  it("ByConnectionMode separates direct and tenant-only distributions", async () => {
    const direct = await create();
    const multi = await create({ ConnectionMode: "tenant-only" }, { CachePolicyId: "658327ea-f89d-4fab-a63d-7e88639e58f6", ForwardedValues: undefined, MinTTL: undefined });
    assert.equal(multi.Distribution!.DomainName, "-");
    const t = await client().send(new ListDistributionsByConnectionModeCommand({ ConnectionMode: "tenant-only" }));
    assert.deepEqual(t.DistributionList!.Items!.map((d) => d.Id), [multi.Distribution!.Id]);
    const d = await client().send(new ListDistributionsByConnectionModeCommand({ ConnectionMode: "direct" }));
    assert.deepEqual(d.DistributionList!.Items!.map((x) => x.Id), [direct.Distribution!.Id]);
  });
});
