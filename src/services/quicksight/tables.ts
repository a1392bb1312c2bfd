import { rowChecks, type ValueShape } from "../../core/store/rowShapes.js";

/**
 * QuickSight's tables (model.ts `T`) as a snapshot may hold them. Identity-side keys start with
 * the account, asset keys with account and region; names may hold `/` (QuickSight user names
 * do), hence `**` for the last part.
 */
const asset = (members: Record<string, ValueShape> = {}): ValueShape => ({
  Id: "string", Arn: "string", Name: "string", CreatedTime: "string", LastUpdatedTime: "string", "Permissions?": "array", "Tags?": "array", ...members,
});
const versioned = asset({ Versions: "array", NextVersion: "number" });
const membership: ValueShape = { GroupName: "string", MemberName: "string", Arn: "string" };

export const tables = rowChecks({
  keyRegistrations: { key: "{account}/{region}", value: { Keys: [{ KeyArn: "string" }] } },
  subscriptions: {
    key: "{account}",
    value: { AccountName: "string", Edition: "string", AuthenticationMethod: "string", IdentityRegion: "string", DirectoryId: "string", CreatedAt: "string", ReadyAt: "string", DefaultNamespace: "string" },
  },
  ipRestrictions: { key: "{account}", value: { "IpRestrictionRuleMap?": "object", "VpcIdRestrictionRuleMap?": "object", "VpcEndpointIdRestrictionRuleMap?": "object", "Enabled?": "boolean" } },
  customizations: { key: "{account}/{region}/?", value: { Arn: "string", AccountCustomization: "object" } },
  namespaces: { key: "{account}/*", value: { Name: "string", Arn: "string", CapacityRegion: "string", IdentityStore: "string" } },
  users: { key: "{account}/*/**", value: { Arn: "string", UserName: "string", Role: "string", IdentityType: "string", Active: "boolean", PrincipalId: "string", Namespace: "string" } },
  principals: { key: "{account}/**", value: { Namespace: "string", UserName: "string" } },
  groups: { key: "{account}/*/**", value: { Arn: "string", GroupName: "string", PrincipalId: "string" } },
  groupMembers: { key: "{account}/*/**", value: membership },
  userGroups: { key: "{account}/*/**", value: membership },
  assignments: { key: "{account}/*/*", value: { AssignmentId: "string", AssignmentName: "string", AssignmentStatus: "string", Namespace: "string" } },
  dataSources: { key: "{account}/{region}/*", value: asset({ Type: "string" }) },
  dataSets: { key: "{account}/{region}/*", value: asset({ PhysicalTableMap: "object", ImportMode: "string" }) },
  analyses: { key: "{account}/{region}/*", value: asset() },
  dashboards: { key: "{account}/{region}/*", value: versioned },
  templates: { key: "{account}/{region}/*", value: versioned },
  themes: { key: "{account}/{region}/*", value: versioned },
  folders: { key: "{account}/{region}/*", value: asset({ FolderType: "string" }) },
  aliases: { key: "{account}/{region}/*/*/*", value: { AliasName: "string", Arn: "string", VersionNumber: "number" } },
  folderMembers: { key: "{account}/{region}/**", value: { MemberId: "string", MemberType: "string", MemberArn: "string" } },
  memberFolders: { key: "{account}/{region}/**", value: "string" },
  ingestions: { key: "{account}/{region}/*", value: { IngestionId: "string", Arn: "string", CreatedTime: "string", RequestSource: "string", RequestType: "string" } },
});
