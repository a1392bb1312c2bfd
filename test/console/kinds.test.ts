/** Every resource kind a service declares lists on an empty account, through the service's own handlers. */
import assert from "node:assert/strict";
import { it } from "node:test";
import { useServer } from "../harness.js";
import { quicksight, subscribe } from "../quicksight/fixtures.js";

const server = useServer();

it("each declared kind answers a page (QuickSight subscribed, as its lists need)", async () => {
  await subscribe(quicksight(server().endpoint));
  const overview = await (await fetch(`${server().endpoint}/_nubis/console/api/overview`)).json();
  const kinds: string[] = [];
  for (const service of overview.services as Array<{ name: string; kinds: Array<{ name: string; columns: string[] }> }>) {
    for (const kind of service.kinds) {
      const res = await fetch(`${server().endpoint}/_nubis/console/api/resources?service=${service.name}&kind=${kind.name}`);
      const body = await res.json();
      assert.equal(res.status, 200, `${service.name}/${kind.name}: ${JSON.stringify(body)}`);
      assert.deepEqual(body.columns, kind.columns);
      assert.ok(Array.isArray(body.rows));
      kinds.push(`${service.name}/${kind.name}`);
    }
  }
  for (const expected of ["iam/users", "iam/groups", "iam/roles", "iam/policies", "iam/accessKeys", "kms/keys", "kms/aliases", "cloudfront/publicKeys", "cloudfront/keyGroups", "cloudfront/connectionGroups", "cloudfront/anycastIpLists", "cloudfront/distributions", "quicksight/keyRegistrations"]) {
    assert.ok(kinds.includes(expected), expected);
  }
});
