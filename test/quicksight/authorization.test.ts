import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { IAMClient } from "@aws-sdk/client-iam";
import { CreateDataSourceCommand, CreateGroupCommand, DescribeGroupCommand, QuickSightClient } from "@aws-sdk/client-quicksight";
import { clientConfig, failure, useServer } from "../harness.js";
import { policy, userWithKey } from "../auth/helpers.js";
import { ACCOUNT, subscribe } from "./fixtures.js";

const server = useServer({ auth: "iam" });
const arn = (r: string) => `arn:aws:quicksight:us-east-1:${ACCOUNT}:${r}`;

describe("QuickSight under --auth iam", () => {
  it("checks quicksight:<Operation> on the resource the call names, and TagResource for tags on a create", async () => {
    const root = new QuickSightClient(clientConfig(server().endpoint));
    await subscribe(root);
    await root.send(new CreateGroupCommand({ AwsAccountId: ACCOUNT, Namespace: "default", GroupName: "open" }));
    await root.send(new CreateGroupCommand({ AwsAccountId: ACCOUNT, Namespace: "default", GroupName: "closed" }));
    const iam = new IAMClient(clientConfig(server().endpoint));
    const creds = await userWithKey(
      iam,
      "qsreader",
      policy(
        { Effect: "Allow", Action: "quicksight:DescribeGroup", Resource: arn("group/default/open") },
        { Effect: "Allow", Action: "quicksight:CreateDataSource", Resource: arn("datasource/*") },
      ),
    );
    const qs = new QuickSightClient(clientConfig(server().endpoint, "us-east-1", creds));
    assert.equal((await qs.send(new DescribeGroupCommand({ AwsAccountId: ACCOUNT, Namespace: "default", GroupName: "open" }))).Group!.GroupName, "open");
    const denied = await failure(qs.send(new DescribeGroupCommand({ AwsAccountId: ACCOUNT, Namespace: "default", GroupName: "closed" })));
    assert.equal(denied.name, "AccessDeniedException");
    assert.equal(denied.$metadata.httpStatusCode, 401);
    assert.match(denied.message, /quicksight:DescribeGroup on resource: arn:aws:quicksight:us-east-1:000000000000:group\/default\/closed/);
    const source = { AwsAccountId: ACCOUNT, DataSourceId: "s", Name: "s", Type: "ATHENA" as const, DataSourceParameters: { AthenaParameters: {} } };
    const tagged = await failure(qs.send(new CreateDataSourceCommand({ ...source, Tags: [{ Key: "a", Value: "b" }] })));
    assert.equal(tagged.name, "AccessDeniedException");
    assert.match(tagged.message, /quicksight:TagResource/);
    assert.equal((await qs.send(new CreateDataSourceCommand(source))).Status, 200);
  });
});
