import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  AddClientIDToOpenIDConnectProviderCommand,
  CreateOpenIDConnectProviderCommand,
  CreateSAMLProviderCommand,
  DeleteOpenIDConnectProviderCommand,
  DeleteSAMLProviderCommand,
  GetOpenIDConnectProviderCommand,
  GetSAMLProviderCommand,
  type IAMClient,
  ListOpenIDConnectProvidersCommand,
  ListOpenIDConnectProviderTagsCommand,
  ListSAMLProvidersCommand,
  ListSAMLProviderTagsCommand,
  RemoveClientIDFromOpenIDConnectProviderCommand,
  TagOpenIDConnectProviderCommand,
  TagSAMLProviderCommand,
  UntagOpenIDConnectProviderCommand,
  UpdateOpenIDConnectProviderThumbprintCommand,
  UpdateSAMLProviderCommand,
} from "@aws-sdk/client-iam";
import { useServer } from "../harness.js";
import { certificate } from "./credentialFixtures.js";
import { ACCOUNT, expectError, iamClient, unique } from "./helpers.js";

const server = useServer();
let client: IAMClient | undefined;
const iam = () => (client ??= iamClient(server().endpoint));

const THUMB = "6938fd4d98bab03faadb97b34396831e3780aea1";
const THUMB2 = "1c58a3a8518e8759bf075b76b750d4f2df264fcd";

describe("OpenID Connect providers", () => {
  it("creates a provider; Get shows the URL without https://, client ids, thumbprints, date and tags", async () => {
    const host = `${unique("token")}.actions.example.com`;
    const { OpenIDConnectProviderArn, Tags } = await iam().send(
      new CreateOpenIDConnectProviderCommand({ Url: `https://${host}`, ClientIDList: ["sts.amazonaws.com"], ThumbprintList: [THUMB], Tags: [{ Key: "ci", Value: "gha" }] }),
    );
    assert.equal(OpenIDConnectProviderArn, `arn:aws:iam::${ACCOUNT}:oidc-provider/${host}`);
    assert.deepEqual(Tags, [{ Key: "ci", Value: "gha" }]);
    const got = await iam().send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn }));
    assert.equal(got.Url, host);
    assert.deepEqual(got.ClientIDList, ["sts.amazonaws.com"]);
    assert.deepEqual(got.ThumbprintList, [THUMB]);
    assert.deepEqual(got.Tags, [{ Key: "ci", Value: "gha" }]);
    assert.ok(got.CreateDate instanceof Date);
    const list = (await iam().send(new ListOpenIDConnectProvidersCommand({}))).OpenIDConnectProviderList!;
    assert.ok(list.some((p) => p.Arn === OpenIDConnectProviderArn));
  });

  it("adds and removes client ids (no-ops when already there or absent), replaces thumbprints, tags", async () => {
    const { OpenIDConnectProviderArn } = await iam().send(new CreateOpenIDConnectProviderCommand({ Url: `https://${unique("eks")}.example.com/id/ABC`, ThumbprintList: [THUMB] }));
    const arn = OpenIDConnectProviderArn!;
    await iam().send(new AddClientIDToOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn, ClientID: "a" }));
    await iam().send(new AddClientIDToOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn, ClientID: "b" }));
    await iam().send(new AddClientIDToOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn, ClientID: "a" }));
    await iam().send(new RemoveClientIDFromOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn, ClientID: "zzz" }));
    await iam().send(new RemoveClientIDFromOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn, ClientID: "a" }));
    await iam().send(new UpdateOpenIDConnectProviderThumbprintCommand({ OpenIDConnectProviderArn: arn, ThumbprintList: [THUMB2, THUMB] }));
    const got = await iam().send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn }));
    assert.deepEqual(got.ClientIDList, ["b"]);
    assert.deepEqual(got.ThumbprintList, [THUMB2, THUMB]);
    await iam().send(new TagOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn, Tags: [{ Key: "a", Value: "1" }, { Key: "b", Value: "2" }] }));
    await iam().send(new UntagOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn, TagKeys: ["a"] }));
    assert.deepEqual((await iam().send(new ListOpenIDConnectProviderTagsCommand({ OpenIDConnectProviderArn: arn }))).Tags, [{ Key: "b", Value: "2" }]);
    await iam().send(new DeleteOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn }));
    await expectError(iam().send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn })), "NoSuchEntity", 404, `OpenIDConnect Provider not found for arn ${arn}`);
    await expectError(iam().send(new DeleteOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn })), "NoSuchEntity", 404);
  });

  it("refuses a second provider for the URL, a non-https URL and bad thumbprints; nothing changes", async () => {
    const url = `https://${unique("dup")}.example.com`;
    const { OpenIDConnectProviderArn } = await iam().send(new CreateOpenIDConnectProviderCommand({ Url: url, ThumbprintList: [THUMB] }));
    await expectError(iam().send(new CreateOpenIDConnectProviderCommand({ Url: url, ThumbprintList: [THUMB2] })), "EntityAlreadyExists", 409, `Provider with url ${url} already exists.`);
    assert.deepEqual((await iam().send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn }))).ThumbprintList, [THUMB]);
    const before = (await iam().send(new ListOpenIDConnectProvidersCommand({}))).OpenIDConnectProviderList!.length;
    await expectError(iam().send(new CreateOpenIDConnectProviderCommand({ Url: "http://plain.example.com" })), "InvalidInput", 400, "Invalid Open ID Connect Provider URL");
    await expectError(iam().send(new CreateOpenIDConnectProviderCommand({ Url: "https://host.example.com:8443" })), "InvalidInput", 400);
    await expectError(iam().send(new CreateOpenIDConnectProviderCommand({ Url: `https://${unique("t")}.example.com`, ThumbprintList: ["abc"] })), "ValidationError", 400);
    await expectError(
      iam().send(new CreateOpenIDConnectProviderCommand({ Url: `https://${unique("t")}.example.com`, ThumbprintList: [THUMB, THUMB2, "a".repeat(40), "b".repeat(40), "c".repeat(40), "d".repeat(40)] })),
      "InvalidInput",
      400,
    );
    await expectError(iam().send(new CreateOpenIDConnectProviderCommand({ Url: `https://${unique("t")}.example.com`, ThumbprintList: ["z".repeat(40)] })), "InvalidInput", 400);
    await expectError(iam().send(new UpdateOpenIDConnectProviderThumbprintCommand({ OpenIDConnectProviderArn, ThumbprintList: ["short"] })), "ValidationError", 400);
    assert.deepEqual((await iam().send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn }))).ThumbprintList, [THUMB]);
    assert.equal((await iam().send(new ListOpenIDConnectProvidersCommand({}))).OpenIDConnectProviderList!.length, before);
    await expectError(iam().send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: "arn:aws:iam::000000000000:role/not-a-provider" })), "InvalidInput", 400);
    // At most 100 client ids, at creation and by adding.
    const ids = Array.from({ length: 101 }, (_, i) => `client-${i}`);
    await expectError(iam().send(new CreateOpenIDConnectProviderCommand({ Url: `https://${unique("ids")}.example.com`, ClientIDList: ids })), "LimitExceeded", 409);
    const full = (await iam().send(new CreateOpenIDConnectProviderCommand({ Url: `https://${unique("ids")}.example.com`, ClientIDList: ids.slice(0, 100) }))).OpenIDConnectProviderArn;
    await expectError(iam().send(new AddClientIDToOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: full, ClientID: "one-more" })), "LimitExceeded", 409);
    assert.equal((await iam().send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: full }))).ClientIDList!.length, 100);
  });
});

/** SAML 2.0 IdP metadata around a real certificate. */
function metadata(options: { validUntil?: string; idp?: boolean; ns?: string } = {}) {
  const der = certificate({ ec: true }).body.replace(/-----[A-Z ]+-----|\s/g, "");
  const ns = options.ns ?? "urn:oasis:names:tc:SAML:2.0:metadata";
  const descriptor = options.idp === false ? "SPSSODescriptor" : "IDPSSODescriptor";
  return `<?xml version="1.0" encoding="UTF-8"?>
<md:EntityDescriptor xmlns:md="${ns}" entityID="https://idp.example.com/metadata"${options.validUntil ? ` validUntil="${options.validUntil}"` : ""}>
  <md:${descriptor} protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <md:KeyDescriptor use="signing">
      <ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data><ds:X509Certificate>${der}</ds:X509Certificate></ds:X509Data></ds:KeyInfo>
    </md:KeyDescriptor>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://idp.example.com/sso"/>
  </md:${descriptor}>
</md:EntityDescriptor>
`;
}

describe("SAML providers", () => {
  it("creates a provider from IdP metadata; Get returns the document, dates, UUID and tags", async () => {
    const name = unique("okta");
    const doc = metadata({ validUntil: "2040-01-01T00:00:00Z" });
    const { SAMLProviderArn, Tags } = await iam().send(new CreateSAMLProviderCommand({ Name: name, SAMLMetadataDocument: doc, Tags: [{ Key: "idp", Value: "okta" }] }));
    assert.equal(SAMLProviderArn, `arn:aws:iam::${ACCOUNT}:saml-provider/${name}`);
    assert.deepEqual(Tags, [{ Key: "idp", Value: "okta" }]);
    const got = await iam().send(new GetSAMLProviderCommand({ SAMLProviderArn }));
    assert.equal(got.SAMLMetadataDocument, doc);
    assert.deepEqual(got.ValidUntil, new Date("2040-01-01T00:00:00Z"));
    assert.match(got.SAMLProviderUUID!, /^[0-9a-f-]{36}$/);
    assert.deepEqual(got.Tags, [{ Key: "idp", Value: "okta" }]);
    const listed = (await iam().send(new ListSAMLProvidersCommand({}))).SAMLProviderList!.find((p) => p.Arn === SAMLProviderArn)!;
    assert.deepEqual(listed.ValidUntil, got.ValidUntil);
    assert.deepEqual(listed.CreateDate, got.CreateDate);
  });

  it("updates the metadata (checked again), tags, and deletes", async () => {
    const name = unique("adfs");
    const { SAMLProviderArn } = await iam().send(new CreateSAMLProviderCommand({ Name: name, SAMLMetadataDocument: metadata() }));
    const without = await iam().send(new GetSAMLProviderCommand({ SAMLProviderArn }));
    assert.ok(without.ValidUntil!.getTime() - without.CreateDate!.getTime() > 99 * 365 * 86_400_000, "about 100 years without validUntil");
    const doc = metadata({ validUntil: "2035-06-01T00:00:00Z" });
    assert.equal((await iam().send(new UpdateSAMLProviderCommand({ SAMLProviderArn, SAMLMetadataDocument: doc }))).SAMLProviderArn, SAMLProviderArn);
    assert.equal((await iam().send(new GetSAMLProviderCommand({ SAMLProviderArn }))).SAMLMetadataDocument, doc);
    await expectError(iam().send(new UpdateSAMLProviderCommand({ SAMLProviderArn, SAMLMetadataDocument: metadata({ idp: false }) })), "InvalidInput", 400, "Could not parse metadata");
    assert.equal((await iam().send(new GetSAMLProviderCommand({ SAMLProviderArn }))).SAMLMetadataDocument, doc);
    await iam().send(new TagSAMLProviderCommand({ SAMLProviderArn, Tags: [{ Key: "k", Value: "v" }] }));
    assert.deepEqual((await iam().send(new ListSAMLProviderTagsCommand({ SAMLProviderArn }))).Tags, [{ Key: "k", Value: "v" }]);
    await iam().send(new DeleteSAMLProviderCommand({ SAMLProviderArn }));
    await expectError(iam().send(new GetSAMLProviderCommand({ SAMLProviderArn })), "NoSuchEntity", 404);
    await expectError(iam().send(new DeleteSAMLProviderCommand({ SAMLProviderArn })), "NoSuchEntity", 404);
  });

  it("refuses metadata that is not SAML IdP metadata, a duplicate name and a short document", async () => {
    const name = unique("bad");
    const bad = [
      metadata({ idp: false }),
      metadata({ ns: "urn:example:not-saml" }),
      metadata().replace("</md:EntityDescriptor>", ""),
      metadata().replace(/<ds:X509Certificate>[^<]+</, "<ds:X509Certificate>bm90IGEgY2VydGlmaWNhdGU=<"),
      metadata().replace(/<md:KeyDescriptor[\s\S]*<\/md:KeyDescriptor>/, `<!-- ${"x".repeat(1200)} -->`),
    ];
    for (const doc of bad) {
      // Padded past the model's 1,000-character minimum.
      const padded = `${doc}<!-- ${"x".repeat(1000)} -->`;
      await expectError(iam().send(new CreateSAMLProviderCommand({ Name: name, SAMLMetadataDocument: padded })), "InvalidInput", 400, "Could not parse metadata");
    }
    await expectError(iam().send(new CreateSAMLProviderCommand({ Name: name, SAMLMetadataDocument: "<x/>" })), "ValidationError", 400);
    assert.ok(!(await iam().send(new ListSAMLProvidersCommand({}))).SAMLProviderList!.some((p) => p.Arn!.endsWith(`/${name}`)));
    await iam().send(new CreateSAMLProviderCommand({ Name: name, SAMLMetadataDocument: metadata() }));
    await expectError(iam().send(new CreateSAMLProviderCommand({ Name: name, SAMLMetadataDocument: metadata() })), "EntityAlreadyExists", 409);
    await expectError(iam().send(new CreateSAMLProviderCommand({ Name: "bad name!", SAMLMetadataDocument: metadata() })), "ValidationError", 400);
  });

  it("adds and removes private keys for encrypted assertions: ids and dates shown, never the key", async () => {
    const name = unique("encrypted");
    const leaf = certificate({ ec: true });
    const { SAMLProviderArn } = await iam().send(
      new CreateSAMLProviderCommand({ Name: name, SAMLMetadataDocument: metadata(), AssertionEncryptionMode: "Required", AddPrivateKey: leaf.key }),
    );
    const got = await iam().send(new GetSAMLProviderCommand({ SAMLProviderArn }));
    assert.equal(got.AssertionEncryptionMode, "Required");
    assert.equal(got.PrivateKeyList!.length, 1);
    const [{ KeyId }] = got.PrivateKeyList!;
    assert.match(KeyId!, /^[A-Z0-9]{22,64}$/);
    assert.ok(!JSON.stringify(got).includes("PRIVATE KEY"));
    await iam().send(new UpdateSAMLProviderCommand({ SAMLProviderArn, AddPrivateKey: certificate({ ec: true }).key }));
    await expectError(iam().send(new UpdateSAMLProviderCommand({ SAMLProviderArn, AddPrivateKey: certificate({ ec: true }).key })), "LimitExceeded", 409);
    await expectError(iam().send(new UpdateSAMLProviderCommand({ SAMLProviderArn, AddPrivateKey: "not a key" })), "MalformedCertificate", 400);
    assert.equal((await iam().send(new GetSAMLProviderCommand({ SAMLProviderArn }))).PrivateKeyList!.length, 2);
    await iam().send(new UpdateSAMLProviderCommand({ SAMLProviderArn, RemovePrivateKey: KeyId }));
    const left = (await iam().send(new GetSAMLProviderCommand({ SAMLProviderArn }))).PrivateKeyList!;
    assert.equal(left.length, 1);
    assert.notEqual(left[0].KeyId, KeyId);
    await expectError(iam().send(new UpdateSAMLProviderCommand({ SAMLProviderArn, RemovePrivateKey: KeyId })), "InvalidInput", 400);
  });
});

describe("provider quotas", () => {
  const small = useServer({ quotas: { "iam.OpenIdConnectProvidersPerAccount": 1, "iam.SAMLProvidersPerAccount": 1 } });
  it("refuses a provider past the account's quota with LimitExceeded (409)", async () => {
    const c = iamClient(small().endpoint);
    await c.send(new CreateOpenIDConnectProviderCommand({ Url: "https://one.example.com" }));
    await expectError(c.send(new CreateOpenIDConnectProviderCommand({ Url: "https://two.example.com" })), "LimitExceeded", 409, "Cannot exceed quota for OpenIdConnectProvidersPerAccount: 1");
    assert.equal((await c.send(new ListOpenIDConnectProvidersCommand({}))).OpenIDConnectProviderList!.length, 1);
    await c.send(new CreateSAMLProviderCommand({ Name: "one", SAMLMetadataDocument: metadata() }));
    await expectError(c.send(new CreateSAMLProviderCommand({ Name: "two", SAMLMetadataDocument: metadata() })), "LimitExceeded", 409, "Cannot exceed quota for SAMLProvidersPerAccount: 1");
  });
});
