package adminaccess_test

import (
	"testing"

	"github.com/guardrail-dev/guardrail/pkg/rules/ruletest"
)

func TestWildcardIAM(t *testing.T) {
	const admin = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`
	ruletest.Run(t, "GR-ADMIN-001", []ruletest.Case{
		{
			Name: "hcl policy allowing everything",
			HCL: `
resource "aws_iam_policy" "admin" {
  name = "admin"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Action = ["s3:GetObject"], Resource = "*" },
      { Effect = "Allow", Action = "*", Resource = "*" },
    ]
  })
}`,
			Want: []ruletest.Want{{Address: "aws_iam_policy.admin", Path: "policy", Message: `statement 2 allows "*" on every resource`, Line: 4}},
		},
		{
			Name: "hcl inline role, user and group policies",
			HCL: `
resource "aws_iam_role_policy" "r" {
  role   = "deploy"
  policy = <<-EOT
    {"Statement": {"Effect": "Allow", "Action": "IAM:*", "Resource": ["arn:aws:s3:::b", "*"]}}
  EOT
}
resource "aws_iam_user_policy" "u" {
  user   = "ci"
  policy = jsonencode({ Statement = { Effect = "Allow", Action = "*:*", Resource = "*" } })
}
resource "aws_iam_group_policy" "g" {
  group  = "ops"
  policy = jsonencode({ Statement = [{ Effect = "Allow", NotAction = ["iam:*", "organizations:*"], Resource = "*" }] })
}`,
			Want: []ruletest.Want{
				{Address: "aws_iam_role_policy.r", Path: "policy", Message: `allows "IAM:*"`},
				{Address: "aws_iam_user_policy.u", Path: "policy", Message: `"*:*"`},
				{Address: "aws_iam_group_policy.g", Path: "policy", Message: "allows every action but iam:*, organizations:* on every resource"},
			},
		},
		{
			Name: "hcl role inline policy and managed policy ARNs",
			HCL: `
resource "aws_iam_role" "ops" {
  name               = "ops"
  assume_role_policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ec2.amazonaws.com" } }] })
  inline_policy {
    name   = "read"
    policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "s3:Get*", Resource = "*" }] })
  }
  inline_policy {
    name   = "all"
    policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "*", NotResource = "arn:aws:s3:::audit/*" }] })
  }
  managed_policy_arns = ["arn:aws:iam::aws:policy/ReadOnlyAccess", "arn:aws:iam::aws:policy/AdministratorAccess"]
}`,
			Want: []ruletest.Want{
				{Address: "aws_iam_role.ops", Path: "inline_policy[1].policy", Message: "on every resource but arn:aws:s3:::audit/*", Line: 11},
				{Address: "aws_iam_role.ops", Path: "managed_policy_arns[1]", Message: "attaches arn:aws:iam::aws:policy/AdministratorAccess"},
			},
		},
		{
			Name: "hcl sso permission set inline policy",
			HCL: `
resource "aws_ssoadmin_permission_set_inline_policy" "ps" {
  instance_arn       = "arn:aws:sso:::instance/ssoins-1"
  permission_set_arn = "arn:aws:sso:::permissionSet/ssoins-1/ps-1"
  inline_policy      = jsonencode({ Statement = [{ Effect = "Allow", Action = "*", Resource = "*" }] })
}`,
			Want: []ruletest.Want{{Address: "aws_ssoadmin_permission_set_inline_policy.ps", Path: "inline_policy"}},
		},
		{
			Name: "hcl least-privilege policies",
			HCL: `
resource "aws_iam_policy" "read" {
  policy = jsonencode({ Statement = [
    { Effect = "Allow", Action = "s3:*", Resource = "arn:aws:s3:::app/*" },
    { Effect = "Allow", Action = ["ec2:Describe*"], Resource = "*" },
    { Effect = "Allow", Action = "*", Resource = "arn:aws:s3:::scratch/*" },
    { Effect = "Deny", Action = "*", Resource = "*" },
    { Effect = "Deny", NotAction = "s3:GetObject", Resource = "*" },
    { Effect = "Allow", NotAction = "iam:*", Resource = "arn:aws:s3:::app/*" },
    { Effect = "Allow", Action = "s3:GetObject", NotResource = "arn:aws:s3:::secret/*" },
  ] })
}
resource "aws_iam_role" "plain" {
  name               = "plain"
  assume_role_policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "*", Principal = { Service = "ec2.amazonaws.com" } }] })
}
resource "aws_iam_user_policy" "broken" {
  user   = "ci"
  policy = "{not json"
}
resource "aws_iam_group_policy" "empty" {
  group  = "ops"
  policy = ""
}`,
		},
		{
			Name: "hcl admin managed policies attached, in every partition",
			HCL: `
resource "aws_iam_role_policy_attachment" "admin" {
  role       = "ops"
  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
}
resource "aws_iam_user_policy_attachment" "iam" {
  user       = "ci"
  policy_arn = "arn:aws-us-gov:iam::aws:policy/IAMFullAccess"
}
resource "aws_iam_group_policy_attachment" "power" {
  group      = "devs"
  policy_arn = "arn:aws-cn:iam::aws:policy/PowerUserAccess"
}
resource "aws_iam_policy_attachment" "legacy" {
  name       = "legacy"
  roles      = ["ops"]
  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
}`,
			Want: []ruletest.Want{
				{Address: "aws_iam_role_policy_attachment.admin", Path: "policy_arn", Message: "grants full administration", Line: 4},
				{Address: "aws_iam_user_policy_attachment.iam", Path: "policy_arn", Message: "IAMFullAccess"},
				{Address: "aws_iam_group_policy_attachment.power", Path: "policy_arn", Message: "PowerUserAccess"},
				{Address: "aws_iam_policy_attachment.legacy", Path: "policy_arn"},
			},
		},
		{
			Name: "hcl narrow managed policies and a customer policy named like an admin one",
			HCL: `
resource "aws_iam_policy" "mine" {
  name   = "AdministratorAccess"
  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "s3:GetObject", Resource = "*" }] })
}
resource "aws_iam_role_policy_attachment" "ro" {
  role       = "ops"
  policy_arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"
}
resource "aws_iam_role_policy_attachment" "custom" {
  role       = "ops"
  policy_arn = "arn:aws:iam::111122223333:policy/AdministratorAccess"
}
resource "aws_iam_role_policy_attachment" "ref" {
  role       = "ops"
  policy_arn = aws_iam_policy.mine.arn
}`,
		},
		{
			Name: "hcl gcp basic roles at project, folder and organization level",
			HCL: `
resource "google_project_iam_member" "owner" {
  project = "p"
  role    = "roles/owner"
  member  = "user:alice@example.com"
}
resource "google_project_iam_binding" "editors" {
  project = "p"
  role    = "roles/editor"
  members = ["group:devs@example.com"]
}
resource "google_organization_iam_member" "o" {
  org_id = "1"
  role   = "roles/owner"
  member = "user:bob@example.com"
}
resource "google_organization_iam_binding" "ob" {
  org_id  = "1"
  role    = "roles/editor"
  members = ["user:bob@example.com"]
}
resource "google_folder_iam_member" "f" {
  folder = "folders/1"
  role   = "roles/editor"
  member = "user:carol@example.com"
}
resource "google_folder_iam_binding" "fb" {
  folder  = "folders/1"
  role    = "roles/owner"
  members = ["user:carol@example.com"]
}`,
			Want: []ruletest.Want{
				{Address: "google_project_iam_member.owner", Path: "role", Message: "grants roles/owner", Line: 4},
				{Address: "google_project_iam_binding.editors", Path: "role", Message: "roles/editor"},
				{Address: "google_organization_iam_member.o", Path: "role"},
				{Address: "google_organization_iam_binding.ob", Path: "role"},
				{Address: "google_folder_iam_member.f", Path: "role"},
				{Address: "google_folder_iam_binding.fb", Path: "role"},
			},
		},
		{
			Name: "hcl gcp narrow roles",
			HCL: `
resource "google_project_iam_member" "viewer" {
  project = "p"
  role    = "roles/viewer"
  member  = "user:alice@example.com"
}
resource "google_project_iam_member" "custom" {
  project = "p"
  role    = "projects/p/roles/owner"
  member  = "user:alice@example.com"
}`,
		},
		{
			Name: "hcl policy document unknown until apply",
			HCL: `
variable "doc" {}
resource "aws_iam_policy" "p" {
  policy = var.doc
}`,
			Want: []ruletest.Want{{Address: "aws_iam_policy.p", Path: "policy", Undecidable: true}},
		},
		{
			Name: "plan policies and attachments",
			Plan: ruletest.Plan(
				ruletest.Change{Address: "aws_iam_policy.admin", After: map[string]any{"name": "admin", "policy": admin}},
				ruletest.Change{Address: "aws_iam_policy.read", After: map[string]any{"name": "read",
					"policy": `{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`}},
				ruletest.Change{Address: "module.iam.aws_iam_role_policy_attachment.a[\"ops\"]", After: map[string]any{
					"role": "ops", "policy_arn": "arn:aws:iam::aws:policy/AdministratorAccess"}},
				ruletest.Change{Address: "aws_iam_role.r", After: map[string]any{"name": "r", "assume_role_policy": "{}",
					"inline_policy": []any{map[string]any{"name": "x", "policy": admin}}}},
			),
			Want: []ruletest.Want{
				{Address: "aws_iam_policy.admin", Path: "policy"},
				{Address: `module.iam.aws_iam_role_policy_attachment.a["ops"]`, Path: "policy_arn"},
				{Address: "aws_iam_role.r", Path: "inline_policy[0].policy"},
			},
		},
		{
			Name: "plan policy known only after apply",
			Plan: ruletest.Plan(ruletest.Change{Address: "aws_iam_role_policy.r", After: map[string]any{"role": "ops"},
				Unknown: map[string]any{"policy": true}}),
			Want: []ruletest.Want{{Address: "aws_iam_role_policy.r", Path: "policy", Undecidable: true}},
		},
		{
			Name: "plan deleted admin attachment is not judged",
			Plan: ruletest.Plan(ruletest.Change{Address: "aws_iam_role_policy_attachment.old", Actions: []string{"delete"},
				Before: map[string]any{"role": "ops", "policy_arn": "arn:aws:iam::aws:policy/AdministratorAccess"}}),
		},
	})
}
