import { createHash } from "node:crypto";
import type { AssumeRoleWithSAMLRequest, AssumeRoleWithSAMLResponse } from "@aws-sdk/client-sts";
import { decide, parseResourcePolicy } from "../../core/auth/engine.js";
import { AwsError } from "../../core/errors.js";
import type { RequestContext } from "../../core/service.js";
import { findSamlProvider } from "../iam/index.js";
import { durationFor, issueRoleSession, parseRoleArn, roleOf, validateCommon } from "./assumeRole.js";
import { checkSession } from "./sessionPolicies.js";
import * as check from "./validation.js";
import { attr, children, descendants, localName, nsOf, parseXml, textOf, verifyEnvelopedSignature, type XmlElement, XmlError } from "../../core/xmlSignature.js";

/**
 * AssumeRoleWithSAML (iam-sts §13.3): a base64 SAML 2.0 Response from an IdP registered as the
 * SAML provider PrincipalArn in the role's account, checked against the provider's metadata:
 * the XML signature (enveloped, exclusive c14n, RSA) by one of its certificates, the issuer
 * (its entityID), the validity window, the AWS audience, and the Role attribute naming this role
 * and provider. The session name, duration, source identity and session tags come from AWS's
 * SAML attributes. Called unsigned; under `--auth iam` the trust policy must allow the provider.
 */

const PROTOCOL = "urn:oasis:names:tc:SAML:2.0:protocol";
const ASSERTION = "urn:oasis:names:tc:SAML:2.0:assertion";
const ATTRIBUTES = "https://aws.amazon.com/SAML/Attributes/";
const AUDIENCES = ["https://signin.aws.amazon.com/saml", "urn:amazon:webservices", "https://signin.amazonaws.cn/saml", "urn:amazon:webservices:cn-north-1", "https://signin.amazonaws-us-gov.com/saml"];
/** The clock skew allowed on NotBefore (unconfirmed; IdPs and AWS allow a few minutes). */
const SKEW_MS = 5 * 60_000;

// unconfirmed texts (iam-sts §13.3 recommends InvalidIdentityToken for a bad assertion or provider).
const invalid = (message: string) => new AwsError("InvalidIdentityToken", message, 400);

function assertionOf(xml: string): { assertion: XmlElement; signed: XmlElement[] } {
  let root: XmlElement;
  try {
    root = parseXml(Buffer.from(xml, "base64").toString("utf8"));
  } catch (error) {
    if (error instanceof XmlError) throw invalid("Invalid SAML response: the assertion is not well-formed XML.");
    throw error;
  }
  if (localName(root.name) === "Assertion" && nsOf(root) === ASSERTION) return { assertion: root, signed: [root] };
  if (localName(root.name) !== "Response" || nsOf(root) !== PROTOCOL) throw invalid("Invalid SAML response: expected a SAML 2.0 Response.");
  const status = descendants(root, PROTOCOL, "StatusCode")[0];
  if (status && attr(status, "Value") !== "urn:oasis:names:tc:SAML:2.0:status:Success") throw invalid("The SAML response does not have a Success status.");
  if (children(root, ASSERTION, "EncryptedAssertion").length) throw invalid("nubis does not decrypt encrypted SAML assertions.");
  const assertions = children(root, ASSERTION, "Assertion");
  if (assertions.length !== 1) throw invalid("Invalid SAML response: expected exactly one Assertion.");
  return { assertion: assertions[0], signed: [assertions[0], root] };
}

const attributes = (assertion: XmlElement) => {
  const out = new Map<string, string[]>();
  for (const a of descendants(assertion, ASSERTION, "Attribute")) {
    out.set(attr(a, "Name") ?? "", children(a, ASSERTION, "AttributeValue").map((v) => textOf(v).trim()));
  }
  return out;
};

const withoutPartition = (arn: string) => arn.replace(/^arn:aws[\w-]*:/, "arn:aws:");

const SUBJECT_TYPES: Record<string, string> = {
  "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent": "persistent",
  "urn:oasis:names:tc:SAML:2.0:nameid-format:transient": "transient",
};

export const AssumeRoleWithSAML = async (input: AssumeRoleWithSAMLRequest, ctx: RequestContext): Promise<AssumeRoleWithSAMLResponse> => {
  const v = check.stsValidator();
  validateCommon(v, input);
  v.required(input.PrincipalArn, "PrincipalArn").length(input.PrincipalArn, "PrincipalArn", 20, 2048);
  v.required(input.SAMLAssertion, "SAMLAssertion").length(input.SAMLAssertion, "SAMLAssertion", 4, 100000);
  v.check();
  const roleArn = input.RoleArn!;
  const parsed = parseRoleArn(roleArn);
  if (!parsed) throw new AwsError("ValidationError", `${roleArn} is invalid`);
  const { assertion, signed } = assertionOf(input.SAMLAssertion!);
  return ctx.transaction(async (tx) => {
    const provider = await findSamlProvider(tx, parsed.account, withoutPartition(input.PrincipalArn!));
    if (!provider) throw invalid("Specified provider doesn't exist.");
    // The signature of the Assertion, or of the Response around it, by a certificate of the metadata.
    const signer = signed.find((el) => children(el, "http://www.w3.org/2000/09/xmldsig#", "Signature").length);
    if (!signer || !verifyEnvelopedSignature(signer, provider.certificates)) throw invalid("Invalid SAML response: the signature could not be verified with the provider's metadata.");
    const issuer = textOf(children(assertion, ASSERTION, "Issuer")[0] ?? assertion).trim();
    const entityId = /\bentityID\s*=\s*["']([^"']+)["']/.exec(provider.SAMLMetadataDocument)?.[1];
    if (!issuer || issuer !== entityId) throw invalid(`Invalid SAML response: the issuer ${issuer} is not the provider's entity ${entityId}.`);
    const conditions = children(assertion, ASSERTION, "Conditions")[0];
    const now = ctx.now.getTime();
    const notBefore = conditions && attr(conditions, "NotBefore");
    if (notBefore && Date.parse(notBefore) > now + SKEW_MS) throw invalid("Invalid SAML response: the assertion is not yet valid.");
    const ends = [conditions && attr(conditions, "NotOnOrAfter"), ...descendants(assertion, ASSERTION, "SubjectConfirmationData").map((d) => attr(d, "NotOnOrAfter"))].filter(
      (t): t is string => !!t,
    );
    if (ends.some((t) => !(now < Date.parse(t)))) throw new AwsError("ExpiredTokenException", "Token expired: the SAML assertion is no longer valid (NotOnOrAfter).", 400);
    const audiences = descendants(assertion, ASSERTION, "Audience").map((a) => textOf(a).trim());
    const audience = audiences.find((a) => AUDIENCES.includes(a));
    if (!audience) throw invalid("Invalid SAML response: the audience restriction does not name AWS (https://signin.aws.amazon.com/saml).");
    const attrs = attributes(assertion);
    const pairs = (attrs.get(`${ATTRIBUTES}Role`) ?? []).map((value) => value.split(",").map((s) => withoutPartition(s.trim())));
    const wanted = [withoutPartition(roleArn), withoutPartition(input.PrincipalArn!)];
    const role = await roleOf(tx, roleArn);
    const refused = () => new AwsError("AccessDenied", "Not authorized to perform sts:AssumeRoleWithSAML", 403);
    if (!role || !pairs.some((p) => p.length === 2 && wanted.every((w) => p.includes(w)))) throw refused();
    const sessionName = attrs.get(`${ATTRIBUTES}RoleSessionName`)?.[0];
    const sv = check.stsValidator();
    sv.required(sessionName, "RoleSessionName");
    check.sessionName(sv, sessionName, "RoleSessionName");
    if (sv.failed) throw invalid("Invalid SAML response: the RoleSessionName attribute is missing or not 2 to 64 characters of [\\w+=,.@-].");
    const nameId = descendants(assertion, ASSERTION, "NameID")[0];
    const subject = nameId ? textOf(nameId).trim() : "";
    const format = nameId ? attr(nameId, "Format") : undefined;
    const subjectType = format ? (SUBJECT_TYPES[format] ?? format) : "persistent";
    const nameQualifier = createHash("sha1").update(`${issuer}${parsed.account}/${provider.Name}`).digest("base64");
    // Session tags: PrincipalTag:KEY attributes, and which of them are transitive.
    const tags = [...attrs].filter(([n]) => n.startsWith(`${ATTRIBUTES}PrincipalTag:`)).map(([n, values]) => ({ Key: n.slice(`${ATTRIBUTES}PrincipalTag:`.length), Value: values[0] ?? "" }));
    const transitive = attrs.get(`${ATTRIBUTES}TransitiveTagKeys`) ?? [];
    const sourceIdentity = attrs.get(`${ATTRIBUTES}SourceIdentity`)?.[0];
    if (ctx.config.auth === "iam") {
      const context: Record<string, string[]> = {
        "SAML:aud": [audience],
        "SAML:iss": [issuer],
        "SAML:sub": [subject],
        "SAML:sub_type": [subjectType],
        "SAML:namequalifier": [nameQualifier],
        "aws:FederatedProvider": [provider.Arn],
      };
      for (const t of tags) context[`aws:RequestTag/${t.Key}`] = [t.Value];
      if (tags.length) context["aws:TagKeys"] = tags.map((t) => t.Key);
      const trust = { account: parsed.account, policy: parseResourcePolicy("trust", role.AssumeRolePolicyDocument), required: true };
      const caller = { direct: { Federated: [provider.Arn] } };
      const actions = ["sts:AssumeRoleWithSAML", ...(tags.length ? ["sts:TagSession"] : []), ...(sourceIdentity ? ["sts:SetSourceIdentity"] : [])];
      for (const action of actions) {
        const verdict = decide({ identity: [], callerAccount: parsed.account, resource: trust }, { action, resource: role.Arn, context, caller });
        if (verdict.decision !== "allowed") throw refused();
      }
    }
    const attributeDuration = Number(attrs.get(`${ATTRIBUTES}SessionDuration`)?.[0]);
    const durationSeconds =
      input.DurationSeconds !== undefined || !Number.isInteger(attributeDuration)
        ? durationFor(role, input.DurationSeconds, false)
        : Math.max(900, Math.min(attributeDuration, role.MaxSessionDuration));
    const session = await checkSession(tx, parsed.account, { ...input, Tags: tags, TransitiveTagKeys: transitive }, {});
    const out = await issueRoleSession(tx, ctx, {
      role,
      account: parsed.account,
      sessionName: sessionName!,
      durationSeconds,
      session,
      mfa: false,
      chained: false,
      ...(sourceIdentity ? { sourceIdentity } : {}),
    });
    return { ...out, Subject: subject, SubjectType: subjectType, Issuer: issuer, Audience: audience, NameQualifier: nameQualifier };
  });
};
