import { IAMClient, CreateGroupCommand, GetGroupCommand, UpdateGroupCommand, ListGroupsCommand, CreateUserCommand, AddUserToGroupCommand, PutGroupPolicyCommand, GetGroupPolicyCommand, ListRolesCommand } from "@aws-sdk/client-iam";
import { STSClient, GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { startServer } from "../src/index.js";
const s = await startServer({ port: 0 });
const c = new IAMClient({ endpoint: s.endpoint, region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey: "test" } });
console.log(await c.send(new CreateGroupCommand({ GroupName: "Managers" })));
await c.send(new CreateUserCommand({ UserName: "ana" }));
await c.send(new AddUserToGroupCommand({ GroupName: "Managers", UserName: "ana" }));
await c.send(new PutGroupPolicyCommand({ GroupName: "Managers", PolicyName: "p", PolicyDocument: JSON.stringify({Version:"2012-10-17",Statement:[{Effect:"Allow",Action:"s3:*",Resource:"*"}]}) }));
await c.send(new UpdateGroupCommand({ GroupName: "Managers", NewGroupName: "MGRs", NewPath: "/x/" }));
console.log(JSON.stringify(await c.send(new GetGroupCommand({ GroupName: "MGRs" }))));
console.log(await c.send(new GetGroupPolicyCommand({ GroupName: "MGRs", PolicyName: "p" })));
try { await c.send(new GetGroupCommand({ GroupName: "Managers" })); } catch (e: any) { console.log(e.name, e.message, e.$metadata.httpStatusCode, e.$metadata.requestId); }
try { await c.send(new ListRolesCommand({})); } catch (e: any) { console.log(e.name, e.message, e.$metadata.httpStatusCode); }
try { await c.send(new CreateGroupCommand({ GroupName: "bad name!" })); } catch (e: any) { console.log(e.name, e.message, e.$metadata.httpStatusCode); }
const sts = new STSClient({ endpoint: s.endpoint, region: "eu-west-1", credentials: { accessKeyId: "123456789012", secretAccessKey: "test" } });
console.log(await sts.send(new GetCallerIdentityCommand({})));
await s.close();
