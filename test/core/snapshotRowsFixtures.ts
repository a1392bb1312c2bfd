/** One of every KMS and CloudFront resource kind, as the SDK makes them (for the snapshot row checks). */
import * as K from "@aws-sdk/client-kms";
import * as C from "@aws-sdk/client-cloudfront";
import { clientConfig } from "../harness.js";
import { distributionConfig, MANAGED_CACHING_OPTIMIZED, rsaPem } from "../cloudfront/fixtures.js";

const ACCOUNT = "000000000000";

export async function richKms(endpoint: string) {
  const kms = new K.KMSClient(clientConfig(endpoint));
  const key = (await kms.send(new K.CreateKeyCommand({ Tags: [{ TagKey: "k", TagValue: "v" }] }))).KeyMetadata!;
  await kms.send(new K.CreateAliasCommand({ AliasName: "alias/rows", TargetKeyId: key.KeyId }));
  await kms.send(new K.CreateGrantCommand({ KeyId: key.KeyId, GranteePrincipal: `arn:aws:iam::${ACCOUNT}:role/app`, RetiringPrincipal: `arn:aws:iam::${ACCOUNT}:role/ops`, Operations: ["Decrypt"], Name: "g" }));
  await kms.send(new K.EnableKeyRotationCommand({ KeyId: key.KeyId }));
  await kms.send(new K.EncryptCommand({ KeyId: key.KeyId, Plaintext: new Uint8Array([1]) }));
  const external = (await kms.send(new K.CreateKeyCommand({ Origin: "EXTERNAL" }))).KeyMetadata!;
  await kms.send(new K.GetParametersForImportCommand({ KeyId: external.KeyId, WrappingAlgorithm: "RSAES_OAEP_SHA_256", WrappingKeySpec: "RSA_2048" }));
  const doomed = (await kms.send(new K.CreateKeyCommand({ MultiRegion: true, KeySpec: "ECC_NIST_P256", KeyUsage: "SIGN_VERIFY" }))).KeyMetadata!;
  const mrk = (await kms.send(new K.CreateKeyCommand({ MultiRegion: true }))).KeyMetadata!;
  await kms.send(new K.ReplicateKeyCommand({ KeyId: mrk.KeyId, ReplicaRegion: "eu-west-1" }));
  await kms.send(new K.RotateKeyOnDemandCommand({ KeyId: mrk.KeyId }));
  await kms.send(new K.ScheduleKeyDeletionCommand({ KeyId: doomed.KeyId, PendingWindowInDays: 7 }));
  await kms.send(
    new K.CreateCustomKeyStoreCommand({
      CustomKeyStoreName: "xks",
      CustomKeyStoreType: "EXTERNAL_KEY_STORE",
      XksProxyUriEndpoint: "https://xks.example.com",
      XksProxyUriPath: "/example/kms/xks/v1",
      XksProxyConnectivity: "PUBLIC_ENDPOINT",
      XksProxyAuthenticationCredential: { AccessKeyId: "ABCDEFGHIJKLMNOPQRST", RawSecretAccessKey: "a".repeat(43) },
    }),
  );
}

const none = { HeaderBehavior: "none" as const };
export async function richCloudFront(endpoint: string) {
  const cf = new C.CloudFrontClient(clientConfig(endpoint));
  const pk = await cf.send(new C.CreatePublicKeyCommand({ PublicKeyConfig: { CallerReference: "pk", Name: "pk", EncodedKey: rsaPem(), Comment: "" } }));
  await cf.send(new C.CreateKeyGroupCommand({ KeyGroupConfig: { Name: "kg", Items: [pk.PublicKey!.Id!] } }));
  const list = await cf.send(new C.CreateAnycastIpListCommand({ Name: "edge", IpCount: 3 }));
  await cf.send(new C.CreateConnectionGroupCommand({ Name: "cg", Ipv6Enabled: false, AnycastIpListId: list.AnycastIpList!.Id }));
  const cache = await cf.send(
    new C.CreateCachePolicyCommand({
      CachePolicyConfig: {
        Name: "cp", MinTTL: 1,
        ParametersInCacheKeyAndForwardedToOrigin: { EnableAcceptEncodingGzip: true, HeadersConfig: none, CookiesConfig: { CookieBehavior: "none" }, QueryStringsConfig: { QueryStringBehavior: "none" } },
      },
    }),
  );
  await cf.send(new C.CreateOriginRequestPolicyCommand({ OriginRequestPolicyConfig: { Name: "orp", HeadersConfig: none, CookiesConfig: { CookieBehavior: "none" }, QueryStringsConfig: { QueryStringBehavior: "none" } } }));
  await cf.send(new C.CreateResponseHeadersPolicyCommand({ ResponseHeadersPolicyConfig: { Name: "rhp", CustomHeadersConfig: { Quantity: 1, Items: [{ Header: "x-a", Value: "b", Override: true }] } } }));
  await cf.send(new C.CreateOriginAccessControlCommand({ OriginAccessControlConfig: { Name: "oac", SigningProtocol: "sigv4", SigningBehavior: "always", OriginAccessControlOriginType: "s3" } }));
  await cf.send(new C.CreateCloudFrontOriginAccessIdentityCommand({ CloudFrontOriginAccessIdentityConfig: { CallerReference: "oai", Comment: "" } }));
  await cf.send(new C.CreateFunctionCommand({ Name: "fn", FunctionConfig: { Comment: "", Runtime: "cloudfront-js-2.0" }, FunctionCode: new TextEncoder().encode("function handler(e) { return e.request; }") }));
  const fn = await cf.send(new C.DescribeFunctionCommand({ Name: "fn" }));
  await cf.send(new C.PublishFunctionCommand({ Name: "fn", IfMatch: fn.ETag }));
  const cfn = await cf.send(
    new C.CreateConnectionFunctionCommand({ Name: "cfn", ConnectionFunctionConfig: { Comment: "", Runtime: "cloudfront-js-2.0" }, ConnectionFunctionCode: new TextEncoder().encode("function connectionHandler(c) { c.allow(); }") }),
  );
  await cf.send(new C.PublishConnectionFunctionCommand({ Id: cfn.ConnectionFunctionSummary!.Id, IfMatch: cfn.ETag }));
  // No S3 endpoint here: the store reads as failed, a row with its Reason.
  await cf.send(new C.CreateTrustStoreCommand({ Name: "ts", CaCertificatesBundleSource: { CaCertificatesBundleS3Location: { Bucket: "bundles", Key: "ca.pem", Region: "us-east-1" } } }));
  await cf.send(new C.CreateKeyValueStoreCommand({ Name: "kvs" }));
  const rtl = await cf.send(
    new C.CreateRealtimeLogConfigCommand({
      Name: "rtl", SamplingRate: 10, Fields: ["timestamp"],
      EndPoints: [{ StreamType: "Kinesis", KinesisStreamConfig: { RoleARN: `arn:aws:iam::${ACCOUNT}:role/cf-logs`, StreamARN: `arn:aws:kinesis:us-east-1:${ACCOUNT}:stream/cf-logs` } }],
    }),
  );
  const profile = await cf.send(
    new C.CreateFieldLevelEncryptionProfileCommand({
      FieldLevelEncryptionProfileConfig: { Name: "fle", CallerReference: "flep", Comment: "", EncryptionEntities: { Quantity: 1, Items: [{ PublicKeyId: pk.PublicKey!.Id, ProviderId: "p", FieldPatterns: { Quantity: 1, Items: ["card"] } }] } },
    }),
  );
  await cf.send(
    new C.CreateFieldLevelEncryptionConfigCommand({
      FieldLevelEncryptionConfig: { CallerReference: "flec", Comment: "", QueryArgProfileConfig: { ForwardWhenQueryArgProfileIsUnknown: true, QueryArgProfiles: { Quantity: 1, Items: [{ QueryArg: "card", ProfileId: profile.FieldLevelEncryptionProfile!.Id }] } } },
    }),
  );
  const vo = await cf.send(
    new C.CreateVpcOriginCommand({
      VpcOriginEndpointConfig: { Name: "vo", Arn: `arn:aws:elasticloadbalancing:us-east-1:${ACCOUNT}:loadbalancer/app/internal/50dc6c495c0c9188`, HTTPPort: 80, HTTPSPort: 443, OriginProtocolPolicy: "https-only" },
    }),
  );
  await cf.send(new C.PutResourcePolicyCommand({ ResourceArn: vo.VpcOrigin!.Arn, PolicyDocument: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: "111122223333" }, Action: "cloudfront:CreateDistribution", Resource: vo.VpcOrigin!.Arn }] }) }));
  const d = await cf.send(
    new C.CreateDistributionWithTagsCommand({
      DistributionConfigWithTags: {
        DistributionConfig: distributionConfig({}, { CachePolicyId: cache.CachePolicy!.Id, ForwardedValues: undefined, MinTTL: undefined, RealtimeLogConfigArn: rtl.RealtimeLogConfig!.ARN }),
        Tags: { Items: [{ Key: "k", Value: "v" }] },
      },
    }),
  );
  const id = d.Distribution!.Id!;
  await cf.send(new C.CreateInvalidationCommand({ DistributionId: id, InvalidationBatch: { Paths: { Quantity: 1, Items: ["/*"] }, CallerReference: "r" } }));
  await cf.send(new C.CreateMonitoringSubscriptionCommand({ DistributionId: id, MonitoringSubscription: { RealtimeMetricsSubscriptionConfig: { RealtimeMetricsSubscriptionStatus: "Enabled" } } }));
  const staging = await cf.send(new C.CopyDistributionCommand({ PrimaryDistributionId: id, Staging: true, CallerReference: "staging", IfMatch: d.ETag }));
  await cf.send(
    new C.CreateContinuousDeploymentPolicyCommand({
      ContinuousDeploymentPolicyConfig: { StagingDistributionDnsNames: { Quantity: 1, Items: [staging.Distribution!.DomainName!] }, Enabled: true, TrafficConfig: { Type: "SingleWeight", SingleWeightConfig: { Weight: 0.1 } } },
    }),
  );
  const mt = await cf.send(
    new C.CreateDistributionCommand({
      DistributionConfig: distributionConfig(
        { ConnectionMode: "tenant-only", TenantConfig: { ParameterDefinitions: [{ Name: "site", Definition: { StringSchema: { Required: true } } }] } },
        { CachePolicyId: MANAGED_CACHING_OPTIMIZED, ForwardedValues: undefined, MinTTL: undefined },
      ),
    }),
  );
  await cf.send(new C.CreateDistributionTenantCommand({ DistributionId: mt.Distribution!.Id, Name: "tenant", Domains: [{ Domain: "www.example.com" }], Parameters: [{ Name: "site", Value: "a" }] }));
}
