import assert from "node:assert/strict";
import { beforeEach, describe, it } from "node:test";
import {
  CreateCloudFrontOriginAccessIdentityCommand,
  CreateDistributionCommand,
  CreateOriginAccessControlCommand,
  DeleteCloudFrontOriginAccessIdentityCommand,
  DeleteOriginAccessControlCommand,
  GetCloudFrontOriginAccessIdentityCommand,
  GetCloudFrontOriginAccessIdentityConfigCommand,
  GetOriginAccessControlCommand,
  GetOriginAccessControlConfigCommand,
  ListCloudFrontOriginAccessIdentitiesCommand,
  ListOriginAccessControlsCommand,
  UpdateCloudFrontOriginAccessIdentityCommand,
  UpdateOriginAccessControlCommand,
} from "@aws-sdk/client-cloudfront";
import { useServer } from "../harness.js";
import { cloudFront, distributionConfig, DISTRIBUTION_ID, ETAG, refusal, reset, storeState } from "./fixtures.js";

const server = useServer();
const client = () => cloudFront(server().endpoint);
beforeEach(() => reset(server().endpoint));
const refused = refusal(() => storeState(server().store as never));

const oac = (Name: string, type: "s3" | "lambda" = "s3") => ({ Name, SigningProtocol: "sigv4" as const, SigningBehavior: "always" as const, OriginAccessControlOriginType: type });
const s3Origin = (extra: Record<string, unknown>) => ({
  Origins: { Quantity: 1, Items: [{ Id: "origin1", DomainName: "bucket.s3.us-east-1.amazonaws.com", S3OriginConfig: { OriginAccessIdentity: "" }, ...extra }] },
});

describe("origin access controls", () => {
  it("create (201, E… id, Description echoed \"\"), get, get-config, update, list, delete", async () => {
    const out = await client().send(new CreateOriginAccessControlCommand({ OriginAccessControlConfig: oac("site") }));
    assert.equal(out.$metadata.httpStatusCode, 201);
    const id = out.OriginAccessControl!.Id!;
    assert.match(id, DISTRIBUTION_ID);
    assert.match(out.ETag!, ETAG);
    assert.equal(out.Location, `https://cloudfront.amazonaws.com/2020-05-31/origin-access-control/${id}`);
    assert.equal(out.OriginAccessControl!.OriginAccessControlConfig!.Description, "");
    assert.equal((await client().send(new GetOriginAccessControlCommand({ Id: id }))).ETag, out.ETag);
    assert.equal((await client().send(new GetOriginAccessControlConfigCommand({ Id: id }))).OriginAccessControlConfig!.Name, "site");
    const up = await client().send(new UpdateOriginAccessControlCommand({ Id: id, IfMatch: out.ETag, OriginAccessControlConfig: { ...oac("site2"), SigningBehavior: "no-override" } }));
    assert.notEqual(up.ETag, out.ETag);
    const list = await client().send(new ListOriginAccessControlsCommand({}));
    assert.deepEqual(list.OriginAccessControlList!.Items!.map((i) => [i.Id, i.Name, i.SigningBehavior, i.Description]), [[id, "site2", "no-override", ""]]);
    assert.equal(list.OriginAccessControlList!.IsTruncated, false);
    await client().send(new DeleteOriginAccessControlCommand({ Id: id, IfMatch: up.ETag }));
    await refused(() => client().send(new GetOriginAccessControlCommand({ Id: id })), "NoSuchOriginAccessControl", 404);
  });

  it("refuses a taken name (409), a bad enum, an origin-type change (IllegalUpdate), stale If-Match", async () => {
    const out = await client().send(new CreateOriginAccessControlCommand({ OriginAccessControlConfig: oac("a") }));
    await client().send(new CreateOriginAccessControlCommand({ OriginAccessControlConfig: oac("b") }));
    const id = out.OriginAccessControl!.Id!;
    await refused(() => client().send(new CreateOriginAccessControlCommand({ OriginAccessControlConfig: oac("a") })), "OriginAccessControlAlreadyExists", 409);
    await refused(() => client().send(new CreateOriginAccessControlCommand({ OriginAccessControlConfig: { ...oac("c"), SigningBehavior: "sometimes" as never } })), "InvalidArgument", 400);
    await refused(() => client().send(new UpdateOriginAccessControlCommand({ Id: id, IfMatch: out.ETag, OriginAccessControlConfig: oac("b") })), "OriginAccessControlAlreadyExists", 409);
    await refused(() => client().send(new UpdateOriginAccessControlCommand({ Id: id, IfMatch: out.ETag, OriginAccessControlConfig: oac("a", "lambda") })), "IllegalUpdate", 400);
    await refused(() => client().send(new DeleteOriginAccessControlCommand({ Id: id, IfMatch: "E000000000000" })), "PreconditionFailed", 412);
  });

  it("an OAC on an origin: S3 domain required, not with an OAI, and then in use (409)", async () => {
    const out = await client().send(new CreateOriginAccessControlCommand({ OriginAccessControlConfig: oac("used") }));
    const id = out.OriginAccessControl!.Id!;
    const notS3 = { Origins: { Quantity: 1, Items: [{ Id: "origin1", DomainName: "example.com", OriginAccessControlId: id, CustomOriginConfig: { HTTPPort: 80, HTTPSPort: 443, OriginProtocolPolicy: "https-only" } }] } };
    await refused(() => client().send(new CreateDistributionCommand({ DistributionConfig: distributionConfig(notS3) })), "InvalidDomainNameForOriginAccessControl", 400);
    const oai = await client().send(new CreateCloudFrontOriginAccessIdentityCommand({ CloudFrontOriginAccessIdentityConfig: { CallerReference: "r", Comment: "" } }));
    const both = s3Origin({ OriginAccessControlId: id, S3OriginConfig: { OriginAccessIdentity: `origin-access-identity/cloudfront/${oai.CloudFrontOriginAccessIdentity!.Id}` } });
    await refused(() => client().send(new CreateDistributionCommand({ DistributionConfig: distributionConfig(both) })), "IllegalOriginAccessConfiguration", 400);
    await client().send(new CreateDistributionCommand({ DistributionConfig: distributionConfig(s3Origin({ OriginAccessControlId: id })) }));
    await refused(() => client().send(new DeleteOriginAccessControlCommand({ Id: id, IfMatch: out.ETag })), "OriginAccessControlInUse", 409);
  });
});

describe("origin access identities", () => {
  it("create (201, Location, 96-hex S3CanonicalUserId), idempotent CallerReference, get, get-config, update comment, list, delete", async () => {
    const cfg = { CallerReference: "ref-1", Comment: "site" };
    const out = await client().send(new CreateCloudFrontOriginAccessIdentityCommand({ CloudFrontOriginAccessIdentityConfig: cfg }));
    assert.equal(out.$metadata.httpStatusCode, 201);
    const o = out.CloudFrontOriginAccessIdentity!;
    assert.match(o.Id!, DISTRIBUTION_ID);
    assert.match(o.S3CanonicalUserId!, /^[0-9a-f]{96}$/);
    assert.equal(out.Location, `https://cloudfront.amazonaws.com/2020-05-31/origin-access-identity/cloudfront/${o.Id}`);
    const again = await client().send(new CreateCloudFrontOriginAccessIdentityCommand({ CloudFrontOriginAccessIdentityConfig: cfg }));
    assert.equal(again.CloudFrontOriginAccessIdentity!.Id, o.Id);
    await refused(() => client().send(new CreateCloudFrontOriginAccessIdentityCommand({ CloudFrontOriginAccessIdentityConfig: { ...cfg, Comment: "other" } })), "CloudFrontOriginAccessIdentityAlreadyExists", 409);
    assert.equal((await client().send(new GetCloudFrontOriginAccessIdentityCommand({ Id: o.Id }))).ETag, out.ETag);
    assert.deepEqual((await client().send(new GetCloudFrontOriginAccessIdentityConfigCommand({ Id: o.Id }))).CloudFrontOriginAccessIdentityConfig, cfg);
    await refused(() => client().send(new UpdateCloudFrontOriginAccessIdentityCommand({ Id: o.Id, IfMatch: out.ETag, CloudFrontOriginAccessIdentityConfig: { CallerReference: "x", Comment: "c" } })), "IllegalUpdate", 400);
    const up = await client().send(new UpdateCloudFrontOriginAccessIdentityCommand({ Id: o.Id, IfMatch: out.ETag, CloudFrontOriginAccessIdentityConfig: { ...cfg, Comment: "new" } }));
    assert.equal(up.CloudFrontOriginAccessIdentity!.S3CanonicalUserId, o.S3CanonicalUserId);
    const list = await client().send(new ListCloudFrontOriginAccessIdentitiesCommand({}));
    assert.deepEqual(list.CloudFrontOriginAccessIdentityList!.Items, [{ Id: o.Id, S3CanonicalUserId: o.S3CanonicalUserId, Comment: "new" }]);
    // In use by a distribution's S3 origin.
    await client().send(new CreateDistributionCommand({ DistributionConfig: distributionConfig(s3Origin({ S3OriginConfig: { OriginAccessIdentity: `origin-access-identity/cloudfront/${o.Id}` } })) }));
    await refused(() => client().send(new DeleteCloudFrontOriginAccessIdentityCommand({ Id: o.Id, IfMatch: up.ETag })), "CloudFrontOriginAccessIdentityInUse", 409);
    await refused(() => client().send(new GetCloudFrontOriginAccessIdentityCommand({ Id: "E000000000000X" })), "NoSuchCloudFrontOriginAccessIdentity", 404);
  });
});
