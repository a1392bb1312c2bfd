import assert from "node:assert/strict";
import { createHash, randomUUID, sign } from "node:crypto";
import { describe, it } from "node:test";
import { CreateRoleCommand, CreateSAMLProviderCommand } from "@aws-sdk/client-iam";
import { AssumeRoleWithSAMLCommand, GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { useServer } from "../harness.js";
import { certificate } from "../iam/credentialFixtures.js";
import { credsOf, doc, iam, refused, sts, unique } from "./fixtures.js";

const server = useServer();
const secured = useServer({ auth: "iam" });
const ACCOUNT = "000000000000";
const ISSUER = "https://idp.example.test/metadata";
const AWS_AUDIENCE = "https://signin.aws.amazon.com/saml";
const NS = { saml: "urn:oasis:names:tc:SAML:2.0:assertion", samlp: "urn:oasis:names:tc:SAML:2.0:protocol", ds: "http://www.w3.org/2000/09/xmldsig#" };
const EXC = "http://www.w3.org/2001/10/xml-exc-c14n#";

const idp = certificate();
const stranger = certificate();
const der = (pem: string) => pem.replace(/-----[^-]+-----|\s/g, "");

const metadata = `<?xml version="1.0" encoding="UTF-8"?>
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="${ISSUER}">
  <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <md:KeyDescriptor use="signing">
      <ds:KeyInfo xmlns:ds="${NS.ds}"><ds:X509Data><ds:X509Certificate>${der(idp.body)}</ds:X509Certificate></ds:X509Data></ds:KeyInfo>
    </md:KeyDescriptor>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://idp.example.test/sso"/>
  </md:IDPSSODescriptor>
</md:EntityDescriptor>
`;

interface Options {
  roleArn: string;
  providerArn: string;
  sessionName?: string;
  issuer?: string;
  audience?: string;
  notOnOrAfter?: Date;
  key?: string;
  attributes?: string;
  /** Changes the document after signing. */
  tamper?: (xml: string) => string;
}

const attribute = (name: string, ...values: string[]) =>
  `<saml:Attribute Name="https://aws.amazon.com/SAML/Attributes/${name}">${values.map((v) => `<saml:AttributeValue>${v}</saml:AttributeValue>`).join("")}</saml:Attribute>`;

/**
 * A SAML Response with an enveloped signature on its Assertion. The digest and the signature
 * are computed over canonical forms written out by hand here (exclusive c14n: the inherited
 * xmlns:saml and xmlns:ds rendered on the signed elements, attributes sorted, no empty-element
 * tags), while the document itself inherits them and uses empty-element tags: the server has to
 * canonicalize to verify.
 */
function samlResponse(o: Options): string {
  const id = `_a${randomUUID().replace(/-/g, "")}`;
  const now = new Date();
  const end = (o.notOnOrAfter ?? new Date(now.getTime() + 300_000)).toISOString();
  const issuer = `<saml:Issuer>${o.issuer ?? ISSUER}</saml:Issuer>`;
  const rest =
    `<saml:Subject><saml:NameID Format="urn:oasis:names:tc:SAML:2.0:nameid-format:persistent">alice@example.test</saml:NameID>` +
    `<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData NotOnOrAfter="${end}" Recipient="${AWS_AUDIENCE}"></saml:SubjectConfirmationData></saml:SubjectConfirmation></saml:Subject>` +
    `<saml:Conditions NotBefore="${new Date(now.getTime() - 60_000).toISOString()}" NotOnOrAfter="${end}"><saml:AudienceRestriction><saml:Audience>${o.audience ?? AWS_AUDIENCE}</saml:Audience></saml:AudienceRestriction></saml:Conditions>` +
    `<saml:AttributeStatement>${attribute("Role", `${o.roleArn},${o.providerArn}`)}${attribute("RoleSessionName", o.sessionName ?? "alice")}${o.attributes ?? ""}</saml:AttributeStatement>`;
  const canonicalAssertion = `<saml:Assertion xmlns:saml="${NS.saml}" ID="${id}" IssueInstant="${now.toISOString()}" Version="2.0">${issuer}${rest}</saml:Assertion>`;
  const digest = createHash("sha256").update(canonicalAssertion).digest("base64");
  const canonicalSignedInfo =
    `<ds:SignedInfo xmlns:ds="${NS.ds}"><ds:CanonicalizationMethod Algorithm="${EXC}"></ds:CanonicalizationMethod>` +
    `<ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"></ds:SignatureMethod>` +
    `<ds:Reference URI="#${id}"><ds:Transforms><ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"></ds:Transform><ds:Transform Algorithm="${EXC}"></ds:Transform></ds:Transforms>` +
    `<ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"></ds:DigestMethod><ds:DigestValue>${digest}</ds:DigestValue></ds:Reference></ds:SignedInfo>`;
  const signatureValue = sign("sha256", Buffer.from(canonicalSignedInfo), o.key ?? idp.key).toString("base64");
  const signedInfo = canonicalSignedInfo.replace(` xmlns:ds="${NS.ds}"`, "").replace(/><\/ds:(CanonicalizationMethod|SignatureMethod|Transform|DigestMethod)>/g, "/>");
  const signature = `<ds:Signature xmlns:ds="${NS.ds}">${signedInfo}<ds:SignatureValue>${signatureValue}</ds:SignatureValue><ds:KeyInfo><ds:X509Data><ds:X509Certificate>${der(idp.body)}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></ds:Signature>`;
  // Attributes in another order than the canonical one, and no xmlns:saml of its own.
  const assertion = `<saml:Assertion Version="2.0" IssueInstant="${now.toISOString()}" ID="${id}">${issuer}${signature}${rest}</saml:Assertion>`;
  let xml =
    `<?xml version="1.0" encoding="UTF-8"?>\n<samlp:Response xmlns:samlp="${NS.samlp}" xmlns:saml="${NS.saml}" Destination="${AWS_AUDIENCE}" ID="_r${id}" IssueInstant="${now.toISOString()}" Version="2.0">` +
    `${issuer}<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>\n  ${assertion}\n</samlp:Response>`;
  if (o.tamper) xml = o.tamper(xml);
  return Buffer.from(xml).toString("base64");
}

async function setup(endpoint: string, trustPolicy?: (providerArn: string) => string) {
  const Name = unique("idp");
  const { SAMLProviderArn } = await iam(endpoint).send(new CreateSAMLProviderCommand({ Name, SAMLMetadataDocument: metadata }));
  const trust = trustPolicy ?? ((p: string) => doc({ Effect: "Allow", Principal: { Federated: p }, Action: "sts:AssumeRoleWithSAML", Condition: { StringEquals: { "SAML:aud": AWS_AUDIENCE } } }));
  const { Role } = await iam(endpoint).send(new CreateRoleCommand({ RoleName: unique("saml"), AssumeRolePolicyDocument: trust(SAMLProviderArn!), MaxSessionDuration: 7200 }));
  return { providerArn: SAMLProviderArn!, role: Role!, name: Name };
}

const anonymous = (endpoint: string) => new STSClient({ endpoint, region: "us-east-1", maxAttempts: 1 });

describe("STS AssumeRoleWithSAML", () => {
  it("a Response signed by the provider's certificate gives a role session named by the RoleSessionName attribute", async () => {
    const { providerArn, role, name } = await setup(server().endpoint);
    const out = await anonymous(server().endpoint).send(
      new AssumeRoleWithSAMLCommand({ RoleArn: role.Arn!, PrincipalArn: providerArn, SAMLAssertion: samlResponse({ roleArn: role.Arn!, providerArn }) }),
    );
    assert.equal(out.AssumedRoleUser!.Arn, `arn:aws:sts::${ACCOUNT}:assumed-role/${role.RoleName}/alice`);
    assert.equal(out.Subject, "alice@example.test");
    assert.equal(out.SubjectType, "persistent");
    assert.equal(out.Issuer, ISSUER);
    assert.equal(out.Audience, AWS_AUDIENCE);
    assert.equal(out.NameQualifier, createHash("sha1").update(`${ISSUER}${ACCOUNT}/${name}`).digest("base64"));
    const id = await sts(server().endpoint, credsOf(out)).send(new GetCallerIdentityCommand({}));
    assert.equal(id.Arn, out.AssumedRoleUser!.Arn);
  });

  it("the SessionDuration attribute sets the duration when DurationSeconds is absent", async () => {
    const { providerArn, role } = await setup(server().endpoint);
    const before = Date.now();
    const out = await anonymous(server().endpoint).send(
      new AssumeRoleWithSAMLCommand({ RoleArn: role.Arn!, PrincipalArn: providerArn, SAMLAssertion: samlResponse({ roleArn: role.Arn!, providerArn, attributes: attribute("SessionDuration", "1800") }) }),
    );
    const seconds = (out.Credentials!.Expiration!.getTime() - before) / 1000;
    assert.ok(seconds > 1790 && seconds <= 1801, `${seconds}`);
  });

  it("refuses tampered, foreign-signed, expired, other-issuer and other-audience assertions, roles it does not name, unknown providers; no session", async () => {
    const { providerArn, role } = await setup(server().endpoint);
    const other = await setup(server().endpoint);
    const call = (assertion: string, extra: Record<string, string> = {}) =>
      anonymous(server().endpoint).send(new AssumeRoleWithSAMLCommand({ RoleArn: role.Arn!, PrincipalArn: providerArn, SAMLAssertion: assertion, ...extra }));
    const base = { roleArn: role.Arn!, providerArn };
    const count = async () => (JSON.parse(await (await fetch(`${server().endpoint}/_nubis/state`)).text()).tables["sts.sessions"] ?? []).length;
    const before = await count();
    await refused(call(samlResponse({ ...base, tamper: (x) => x.replace(">alice<", ">mallory<") })), "InvalidIdentityToken", 400, /signature could not be verified/);
    await refused(call(samlResponse({ ...base, key: stranger.key })), "InvalidIdentityToken", 400, /signature could not be verified/);
    await refused(call(samlResponse({ ...base, notOnOrAfter: new Date(Date.now() - 1000) })), "ExpiredTokenException", 400);
    await refused(call(samlResponse({ ...base, issuer: "https://evil.example.test/metadata" })), "InvalidIdentityToken", 400, /issuer/);
    await refused(call(samlResponse({ ...base, audience: "https://elsewhere.example.test" })), "InvalidIdentityToken", 400, /audience/);
    await refused(call(samlResponse({ roleArn: other.role.Arn!, providerArn })), "AccessDenied", 403, "Not authorized to perform sts:AssumeRoleWithSAML");
    await refused(call(samlResponse({ ...base, sessionName: "a" })), "InvalidIdentityToken", 400, /RoleSessionName/);
    await refused(call(samlResponse(base), { PrincipalArn: `arn:aws:iam::${ACCOUNT}:saml-provider/none` }), "InvalidIdentityToken", 400);
    await refused(call(Buffer.from("<not-xml").toString("base64")), "InvalidIdentityToken", 400);
    await refused(call(Buffer.from(`${"<a>".repeat(5000)}${"</a>".repeat(5000)}`).toString("base64")), "InvalidIdentityToken", 400);
    await refused(call(Buffer.from(`<!DOCTYPE x [<!ENTITY e "boom">]><x>&e;</x>`).toString("base64")), "InvalidIdentityToken", 400);
    await refused(call(samlResponse(base), { DurationSeconds: "9000" } as never), "ValidationError", 400, "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.");
    assert.equal(await count(), before);
  });

  it("--auth iam: unsigned; the trust policy must name the provider", async () => {
    const { providerArn, role } = await setup(secured().endpoint);
    const ok = await anonymous(secured().endpoint).send(new AssumeRoleWithSAMLCommand({ RoleArn: role.Arn!, PrincipalArn: providerArn, SAMLAssertion: samlResponse({ roleArn: role.Arn!, providerArn }) }));
    assert.ok(ok.Credentials?.SessionToken);
    const elsewhere = await setup(secured().endpoint, () => doc({ Effect: "Allow", Principal: { Federated: `arn:aws:iam::${ACCOUNT}:saml-provider/someone-else` }, Action: "sts:AssumeRoleWithSAML" }));
    await refused(
      anonymous(secured().endpoint).send(
        new AssumeRoleWithSAMLCommand({ RoleArn: elsewhere.role.Arn!, PrincipalArn: elsewhere.providerArn, SAMLAssertion: samlResponse({ roleArn: elsewhere.role.Arn!, providerArn: elsewhere.providerArn }) }),
      ),
      "AccessDenied",
      403,
      "Not authorized to perform sts:AssumeRoleWithSAML",
    );
  });
});
