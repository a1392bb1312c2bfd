import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { aws, awsCliMissing, boto3, boto3Missing, useServer } from "../harness.js";
import { ACCOUNT } from "./fixtures.js";

const server = useServer();

describe("QuickSight as Terraform lives it, through boto3", { skip: boto3Missing }, () => {
  it("subscribes, registers an IAM user, shares a data source and data set with a group, builds a dashboard from a template, tags, destroys, unsubscribes", async () => {
    const out = await boto3(
      server().endpoint,
      `
import boto3, json, os
ep = os.environ["ENDPOINT"]
qs = boto3.client("quicksight", endpoint_url=ep, region_name="us-east-1")
iam = boto3.client("iam", endpoint_url=ep, region_name="us-east-1")
acct = "${ACCOUNT}"
r = {}
qs.create_account_subscription(AwsAccountId=acct, AccountName="tf-nubis", AuthenticationMethod="IAM_AND_QUICKSIGHT", Edition="ENTERPRISE", NotificationEmail="ops@example.com")
r["sub"] = qs.describe_account_subscription(AwsAccountId=acct)["AccountInfo"]["AccountSubscriptionStatus"]
user = iam.create_user(UserName="analyst")["User"]
reg = qs.register_user(AwsAccountId=acct, Namespace="default", IdentityType="IAM", IamArn=user["Arn"], Email="analyst@example.com", UserRole="AUTHOR")
r["user_arn"] = reg["User"]["Arn"]
r["user_status"] = reg["Status"]
group = qs.create_group(AwsAccountId=acct, Namespace="default", GroupName="bi")["Group"]
qs.create_group_membership(AwsAccountId=acct, Namespace="default", GroupName="bi", MemberName="analyst")
r["members"] = [m["MemberName"] for m in qs.list_group_memberships(AwsAccountId=acct, Namespace="default", GroupName="bi")["GroupMemberList"]]
perm = [{"Principal": group["Arn"], "Actions": ["quicksight:DescribeDataSource", "quicksight:DescribeDataSourcePermissions", "quicksight:PassDataSource"]}]
ds = qs.create_data_source(AwsAccountId=acct, DataSourceId="athena", Name="Athena", Type="ATHENA", DataSourceParameters={"AthenaParameters": {"WorkGroup": "primary"}}, Permissions=perm)
r["ds_create"] = ds["CreationStatus"]
r["ds_status"] = qs.describe_data_source(AwsAccountId=acct, DataSourceId="athena")["DataSource"]["Status"]
set_perm = [{"Principal": group["Arn"], "Actions": ["quicksight:DescribeDataSet", "quicksight:DescribeDataSetPermissions", "quicksight:PassDataSet", "quicksight:DescribeIngestion", "quicksight:ListIngestions"]}]
dset = qs.create_data_set(AwsAccountId=acct, DataSetId="sales", Name="Sales", ImportMode="SPICE", Permissions=set_perm,
  PhysicalTableMap={"t": {"RelationalTable": {"DataSourceArn": ds["Arn"], "Schema": "db", "Name": "sales", "InputColumns": [{"Name": "amount", "Type": "DECIMAL"}]}}})
r["dset_perms"] = qs.describe_data_set_permissions(AwsAccountId=acct, DataSetId="sales")["Permissions"]
# Terraform's data set Read also asks for refresh properties and takes ResourceNotFound as "none".
try:
    qs.describe_data_set_refresh_properties(AwsAccountId=acct, DataSetId="sales")
except qs.exceptions.ResourceNotFoundException:
    r["no_refresh"] = True
tpl = qs.create_template(AwsAccountId=acct, TemplateId="base", Name="Base", Definition={"DataSetConfigurations": [{"Placeholder": "sales"}], "Sheets": [{"SheetId": "s1", "Name": "Main"}]})
dash = qs.create_dashboard(AwsAccountId=acct, DashboardId="kpis", Name="KPIs", SourceEntity={"SourceTemplate": {"Arn": tpl["Arn"], "DataSetReferences": [{"DataSetPlaceholder": "sales", "DataSetArn": dset["Arn"]}]}})
r["dash_version"] = dash["VersionArn"]
d = qs.describe_dashboard(AwsAccountId=acct, DashboardId="kpis")["Dashboard"]
r["dash_status"] = d["Version"]["Status"]
for arn in [ds["Arn"], dset["Arn"], dash["Arn"], tpl["Arn"], reg["User"]["Arn"]]:
    qs.tag_resource(ResourceArn=arn, Tags=[{"Key": "managed-by", "Value": "terraform"}])
r["tags"] = [qs.list_tags_for_resource(ResourceArn=a)["Tags"] for a in [ds["Arn"], dash["Arn"], reg["User"]["Arn"]]]
# Update in place, as Terraform does: new dashboard version, then publish the number after /version/.
up = qs.update_dashboard(AwsAccountId=acct, DashboardId="kpis", Name="KPIs 2", SourceEntity={"SourceTemplate": {"Arn": tpl["Arn"], "DataSetReferences": [{"DataSetPlaceholder": "sales", "DataSetArn": dset["Arn"]}]}})
qs.update_dashboard_published_version(AwsAccountId=acct, DashboardId="kpis", VersionNumber=int(up["VersionArn"].split("/")[-1]))
r["published"] = qs.list_dashboards(AwsAccountId=acct)["DashboardSummaryList"][0]["PublishedVersionNumber"]
qs.untag_resource(ResourceArn=dash["Arn"], TagKeys=["managed-by"])
r["untagged"] = qs.list_tags_for_resource(ResourceArn=dash["Arn"])["Tags"]
# Destroy in Terraform's order (dependents first).
qs.delete_dashboard(AwsAccountId=acct, DashboardId="kpis")
qs.delete_template(AwsAccountId=acct, TemplateId="base")
qs.delete_data_set(AwsAccountId=acct, DataSetId="sales")
qs.delete_data_source(AwsAccountId=acct, DataSourceId="athena")
qs.delete_group_membership(AwsAccountId=acct, Namespace="default", GroupName="bi", MemberName="analyst")
qs.delete_group(AwsAccountId=acct, Namespace="default", GroupName="bi")
qs.delete_user(AwsAccountId=acct, Namespace="default", UserName="analyst")
try:
    qs.describe_user(AwsAccountId=acct, Namespace="default", UserName="analyst")
except qs.exceptions.ResourceNotFoundException as e:
    r["user_gone"] = e.response["ResponseMetadata"]["HTTPStatusCode"]
try:
    qs.delete_account_subscription(AwsAccountId=acct)
except qs.exceptions.PreconditionNotMetException as e:
    r["protected"] = e.response["Error"]["Code"]
qs.update_account_settings(AwsAccountId=acct, DefaultNamespace="default", TerminationProtectionEnabled=False)
qs.delete_account_subscription(AwsAccountId=acct)
try:
    qs.describe_account_subscription(AwsAccountId=acct)
except qs.exceptions.ResourceNotFoundException:
    r["unsubscribed"] = True
print(json.dumps(r))
`,
    );
    assert.equal(out.sub, "ACCOUNT_CREATED");
    assert.equal(out.user_arn, `arn:aws:quicksight:us-east-1:${ACCOUNT}:user/default/analyst`);
    assert.equal(out.user_status, 200);
    assert.deepEqual(out.members, ["analyst"]);
    assert.equal(out.ds_create, "CREATION_IN_PROGRESS");
    assert.equal(out.ds_status, "CREATION_SUCCESSFUL");
    assert.equal(out.no_refresh, true);
    assert.equal(out.dset_perms[0].Principal, `arn:aws:quicksight:us-east-1:${ACCOUNT}:group/default/bi`);
    assert.equal(out.dash_version, `arn:aws:quicksight:us-east-1:${ACCOUNT}:dashboard/kpis/version/1`);
    assert.equal(out.dash_status, "CREATION_SUCCESSFUL");
    assert.deepEqual(out.tags, [[{ Key: "managed-by", Value: "terraform" }], [{ Key: "managed-by", Value: "terraform" }], [{ Key: "managed-by", Value: "terraform" }]]);
    assert.equal(out.published, 2);
    assert.deepEqual(out.untagged, []);
    assert.equal(out.user_gone, 404);
    assert.equal(out.protected, "PreconditionNotMetException");
    assert.equal(out.unsubscribed, true);
  });
});

describe("QuickSight through the AWS CLI", { skip: awsCliMissing }, () => {
  it("subscribes, registers a user, shares a data source with a group, tags, destroys and unsubscribes", async () => {
    const endpoint = server().endpoint;
    const qs = async (...args: string[]) => {
      const res = await aws(endpoint, "quicksight", ...args);
      assert.equal(res.code, 0, res.stderr);
      return res.stdout ? res.json() : {};
    };
    const acct = ["--aws-account-id", ACCOUNT];
    await qs("create-account-subscription", ...acct, "--account-name", "cli-nubis", "--authentication-method", "IAM_AND_QUICKSIGHT", "--edition", "ENTERPRISE", "--notification-email", "ops@example.com");
    assert.equal((await qs("describe-account-settings", ...acct)).AccountSettings.TerminationProtectionEnabled, true);
    const user = await qs("register-user", ...acct, "--namespace", "default", "--identity-type", "QUICKSIGHT", "--user-name", "ann", "--email", "ann@example.com", "--user-role", "READER");
    assert.equal(user.User.Active, false);
    const group = await qs("create-group", ...acct, "--namespace", "default", "--group-name", "readers");
    await qs("create-group-membership", ...acct, "--namespace", "default", "--group-name", "readers", "--member-name", "ann");
    const ds = await qs(
      "create-data-source", ...acct, "--data-source-id", "pg", "--name", "Postgres", "--type", "POSTGRESQL",
      "--data-source-parameters", JSON.stringify({ PostgreSqlParameters: { Host: "db.example.com", Port: 5432, Database: "sales" } }),
      "--permissions", JSON.stringify([{ Principal: group.Group.Arn, Actions: ["quicksight:DescribeDataSource"] }]),
      "--tags", "Key=env,Value=dev",
    );
    const described = await qs("describe-data-source", ...acct, "--data-source-id", "pg");
    assert.equal(described.DataSource.Status, "CREATION_SUCCESSFUL");
    assert.deepEqual(described.DataSource.DataSourceParameters, { PostgreSqlParameters: { Host: "db.example.com", Port: 5432, Database: "sales" } });
    assert.equal(typeof described.DataSource.CreatedTime, "number");
    await qs("tag-resource", "--resource-arn", ds.Arn, "--tags", "Key=team,Value=bi");
    assert.equal((await qs("list-tags-for-resource", "--resource-arn", ds.Arn)).Tags.length, 2);
    const missing = await aws(endpoint, "quicksight", "describe-data-source", ...acct, "--data-source-id", "nope");
    assert.match(missing.stderr, /\(ResourceNotFoundException\)/);
    await qs("delete-data-source", ...acct, "--data-source-id", "pg");
    await qs("delete-group", ...acct, "--namespace", "default", "--group-name", "readers");
    await qs("delete-user", ...acct, "--namespace", "default", "--user-name", "ann");
    const protectedDelete = await aws(endpoint, "quicksight", "delete-account-subscription", ...acct);
    assert.match(protectedDelete.stderr, /\(PreconditionNotMetException\)/);
    await qs("update-account-settings", ...acct, "--default-namespace", "default", "--no-termination-protection-enabled");
    await qs("delete-account-subscription", ...acct);
    const gone = await aws(endpoint, "quicksight", "describe-account-subscription", ...acct);
    assert.match(gone.stderr, /\(ResourceNotFoundException\)/);
  });
});
