import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { it } from "node:test";
import { CloudFrontClient, ListKeyGroupsCommand } from "@aws-sdk/client-cloudfront";
import { IAMClient, ListGroupsCommand } from "@aws-sdk/client-iam";
import { KMSClient, ListKeysCommand } from "@aws-sdk/client-kms";
import { DescribeKeyRegistrationCommand, QuickSightClient } from "@aws-sdk/client-quicksight";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { clientConfig } from "../harness.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

// `npm start` runs the esbuild bundle, not the sources the other tests load: check that every
// service answers through it (a bundling mistake would lose the SDK schemas or a protocol).
it("the bundled CLI (npm run build; npm start) serves every service", async () => {
  const build = spawnSync("npm", ["run", "build", "--silent"], { cwd: ROOT, encoding: "utf8" });
  assert.equal(build.status, 0, build.stderr);
  const child = spawn(process.execPath, ["dist/cli.js", "--port", "0", "--quiet"], { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] });
  try {
    const endpoint = await new Promise<string>((resolve, reject) => {
      child.stdout!.on("data", (d) => {
        const m = /listening on (http:\/\/\S+)/.exec(String(d));
        if (m) resolve(m[1]);
      });
      child.on("exit", (code) => reject(new Error(`nubis exited with ${code}`)));
    });
    const config = clientConfig(endpoint);
    assert.deepEqual((await new IAMClient(config).send(new ListGroupsCommand({}))).Groups, []);
    assert.equal((await new STSClient(config).send(new GetCallerIdentityCommand({}))).Account, "000000000000");
    assert.deepEqual((await new KMSClient(config).send(new ListKeysCommand({}))).Keys, []);
    assert.equal((await new CloudFrontClient(config).send(new ListKeyGroupsCommand({}))).KeyGroupList!.Quantity, 0);
    const registration = await new QuickSightClient(config).send(new DescribeKeyRegistrationCommand({ AwsAccountId: "000000000000" }));
    assert.deepEqual(registration.KeyRegistration, []);
  } finally {
    child.kill();
  }
});
