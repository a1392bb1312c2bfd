/** The request log never shows a secret: each kind, in each protocol's shape (unit tests of console/format.ts). */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { MAX_SHOWN_BODY_CHARS, REDACTED, errorCodeOf, prettyXml, redactAuthorization, redactHeaders, redactQuery, showBody } from "../../src/console/format.js";

const SIG = "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7";

describe("request log redaction", () => {
  it("SigV4 Authorization header: the signature is hidden, who signed stays", () => {
    const value = `AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261201/us-east-1/iam/aws4_request, SignedHeaders=host;x-amz-date, Signature=${SIG}`;
    const shown = redactAuthorization(value);
    assert.equal(shown, `AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261201/us-east-1/iam/aws4_request, SignedHeaders=host;x-amz-date, Signature=${REDACTED}`);
  });

  it("other Authorization schemes (Bearer, Basic) keep only the scheme", () => {
    assert.equal(redactAuthorization("Bearer abc.def.ghi"), `Bearer ${REDACTED}`);
    assert.equal(redactAuthorization("Basic dXNlcjpwYXNz"), `Basic ${REDACTED}`);
    assert.equal(redactAuthorization("opaque"), REDACTED);
  });

  it("headers: session tokens, the admin token, cookies; the rest as sent", () => {
    const shown = redactHeaders({
      authorization: `AWS4-HMAC-SHA256 Credential=test/20261201/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=${SIG}`,
      "x-amz-security-token": "FwoGZXIvYXdzEJr//////////session-token",
      "x-nubis-admin-token": "s3cret-admin",
      cookie: "nubis_admin_token=s3cret-admin",
      "x-amz-date": "20261201T000000Z",
      "content-type": "application/x-www-form-urlencoded",
    });
    assert.equal(shown["x-amz-security-token"], REDACTED);
    assert.equal(shown["x-nubis-admin-token"], REDACTED);
    assert.equal(shown.cookie, REDACTED);
    assert.equal(shown["x-amz-date"], "20261201T000000Z");
    assert.doesNotMatch(JSON.stringify(shown), /s3cret|session-token|5d672d79/);
  });

  it("presigned URL query: X-Amz-Signature and X-Amz-Security-Token hidden, X-Amz-Credential kept", () => {
    const q = `?Action=GetCallerIdentity&X-Amz-Credential=test%2F20261201%2Fus-east-1%2Fsts%2Faws4_request&X-Amz-Signature=${SIG}&X-Amz-Security-Token=tok%2Ben`;
    const shown = redactQuery(q);
    assert.match(shown, /X-Amz-Credential=test%2F20261201/);
    assert.match(shown, new RegExp(`X-Amz-Signature=\\${REDACTED}`.replace(/\*/g, "\\*")));
    assert.doesNotMatch(shown, /5d672d79|tok%2Ben/);
    assert.equal(redactQuery(""), "");
  });

  it("XML answers: STS credentials (SecretAccessKey, SessionToken), IAM access keys, MFA seeds, service passwords", () => {
    const xml =
      "<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>ASIAEXAMPLE</AccessKeyId><SecretAccessKey>wJalrXUtnFEMI/K7MDENG</SecretAccessKey>" +
      "<SessionToken>FwoGZXIvYXdz</SessionToken></Credentials></AssumeRoleResult></AssumeRoleResponse>" +
      "<VirtualMFADevice><Base32StringSeed>JBSWY3DPEHPK3PXP</Base32StringSeed><QRCodePNG>iVBORw0KGgo=</QRCodePNG></VirtualMFADevice>" +
      "<ServiceSpecificCredential><ServicePassword>pa55word</ServicePassword></ServiceSpecificCredential>";
    const shown = showBody(Buffer.from(xml), "text/xml");
    assert.equal(shown.format, "xml");
    for (const secret of ["wJalrXUtnFEMI", "FwoGZXIvYXdz", "JBSWY3DPEHPK3PXP", "iVBORw0KGgo", "pa55word"]) assert.doesNotMatch(shown.text, new RegExp(secret));
    assert.match(shown.text, /<AccessKeyId>ASIAEXAMPLE<\/AccessKeyId>/);
    assert.match(shown.text, /<SecretAccessKey>\*\*\*<\/SecretAccessKey>/);
    // Pretty-printed: one element per line, indented.
    assert.match(shown.text, /\n {6}<SessionToken>\*\*\*<\/SessionToken>/);
  });

  it("awsQuery forms: passwords (login profiles, ChangePassword), MFA codes, SAML assertions, web identity tokens", () => {
    const form =
      "Action=ChangePassword&Version=2010-05-08&OldPassword=0ld%21pass&NewPassword=n3w%21pass&UserName=alice" +
      "&AuthenticationCode1=123456&AuthenticationCode2=654321&SAMLAssertion=PHNhbWw%2B&WebIdentityToken=eyJhbGciOi&LoginProfile.Password=nested";
    const shown = showBody(Buffer.from(form), "application/x-www-form-urlencoded");
    assert.equal(shown.format, "form");
    for (const secret of ["0ld!pass", "n3w!pass", "123456", "654321", "PHNhbWw", "eyJhbGciOi", "nested"]) assert.doesNotMatch(shown.text, new RegExp(secret));
    assert.match(shown.text, /^Action=ChangePassword$/m);
    assert.match(shown.text, /^UserName=alice$/m);
    assert.match(shown.text, /^NewPassword=\*\*\*$/m);
  });

  it("JSON bodies: KMS plaintext key material, private keys, passwords at any depth; other members kept", () => {
    const json = JSON.stringify({
      KeyId: "arn:aws:kms:us-east-1:000000000000:key/1234",
      Plaintext: "c2VjcmV0IGtleSBtYXRlcmlhbA==",
      PrivateKeyPlaintext: "MIIEvQIBADANBgkqhkiG9w0B",
      SharedSecret: "ZWNkaC1zZWNyZXQ=",
      KeySpec: "RSA_2048",
      nested: [{ Password: "hunter2" }, { PrivateKey: "-----BEGIN PRIVATE KEY-----" }],
      Credentials: { SecretAccessKey: "abc", SessionToken: "def" },
    });
    const shown = showBody(json, "application/x-amz-json-1.1");
    assert.equal(shown.format, "json");
    const doc = JSON.parse(shown.text);
    assert.equal(doc.Plaintext, REDACTED);
    assert.equal(doc.PrivateKeyPlaintext, REDACTED);
    assert.equal(doc.SharedSecret, REDACTED);
    assert.equal(doc.KeySpec, "RSA_2048");
    assert.equal(doc.nested[0].Password, REDACTED);
    assert.equal(doc.nested[1].PrivateKey, REDACTED);
    assert.equal(doc.Credentials.SecretAccessKey, REDACTED);
    assert.equal(doc.Credentials.SessionToken, REDACTED);
    assert.equal(doc.KeyId, "arn:aws:kms:us-east-1:000000000000:key/1234");
    assert.match(shown.text, /\n {2}"KeyId"/, "pretty-printed");
  });

  it("a JSON body cut short (not parseable) is still redacted", () => {
    const cut = '{"Plaintext": "c2VjcmV0", "SecretAccessKey": "wJalr\\"XUt", "Other": "x", "Passw';
    const shown = showBody(cut, "application/json");
    assert.doesNotMatch(shown.text, /c2VjcmV0|wJalr/);
    assert.match(shown.text, /"Other": "x"/);
  });

  it("bodies longer than the documented limit are cut, with the full size noted", () => {
    const big = "<A>" + "<B>x</B>".repeat(20_000) + "</A>";
    const shown = showBody(big, "text/xml");
    assert.ok(shown.text.length < MAX_SHOWN_BODY_CHARS + 100);
    assert.match(shown.text, /… \(cut: \d+ characters in all\)$/);
    assert.ok(shown.truncatedFrom! > MAX_SHOWN_BODY_CHARS);
    const cutAtCapture = showBody("{}", "application/json", 5_000_000);
    assert.equal(cutAtCapture.truncatedFrom, 5_000_000);
  });

  it("binary and empty bodies", () => {
    assert.equal(showBody(Buffer.alloc(0)).format, "empty");
    assert.equal(showBody(Buffer.from([0xff, 0xfe, 0x00, 0x81])).format, "binary");
  });

  it("error codes as each protocol writes them", () => {
    assert.equal(errorCodeOf(404, {}, "<ErrorResponse><Error><Code>NoSuchEntity</Code></Error></ErrorResponse>"), "NoSuchEntity");
    assert.equal(errorCodeOf(400, {}, '{"__type":"com.amazonaws.kms#NotFoundException","message":"x"}'), "NotFoundException");
    assert.equal(errorCodeOf(404, { "x-amzn-errortype": "ResourceNotFoundException:http://internal" }, "{}"), "ResourceNotFoundException");
    assert.equal(errorCodeOf(200, {}, "<Code>X</Code>"), undefined);
  });

  it("prettyXml keeps text nodes on their element's line", () => {
    assert.equal(prettyXml("<a><b>1</b><c/></a>"), "<a>\n  <b>1</b>\n  <c/>\n</a>");
  });
});
