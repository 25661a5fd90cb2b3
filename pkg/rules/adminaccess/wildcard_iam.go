package adminaccess

import (
	"maps"
	"slices"
	"strings"

	"github.com/guardrail-dev/guardrail/pkg/clause"
	"github.com/guardrail-dev/guardrail/pkg/iampolicy"
	"github.com/guardrail-dev/guardrail/pkg/policy"
	"github.com/guardrail-dev/guardrail/pkg/resource"
	"github.com/guardrail-dev/guardrail/pkg/rule"
)

// identityPolicies maps resource types to the attribute holding their policy document.
var identityPolicies = map[string]string{
	"aws_iam_policy":                            "policy",
	"aws_iam_role_policy":                       "policy",
	"aws_iam_user_policy":                       "policy",
	"aws_iam_group_policy":                      "policy",
	"aws_iam_role":                              "inline_policy",
	"aws_ssoadmin_permission_set_inline_policy": "inline_policy",
}

var policyAttachments = []string{"aws_iam_role_policy_attachment", "aws_iam_user_policy_attachment",
	"aws_iam_group_policy_attachment", "aws_iam_policy_attachment"}

var gcpRoleGrants = []string{"google_project_iam_member", "google_project_iam_binding",
	"google_organization_iam_member", "google_organization_iam_binding",
	"google_folder_iam_member", "google_folder_iam_binding"}

// adminManagedPolicies are AWS managed policies that grant full administration,
// by the part of their ARN after the partition (arn:aws:, arn:aws-us-gov:...).
var adminManagedPolicies = map[string]bool{
	"iam::aws:policy/AdministratorAccess": true,
	"iam::aws:policy/IAMFullAccess":       true,
	"iam::aws:policy/PowerUserAccess":     true,
}

// isAdminManagedPolicy reports whether arn names one of adminManagedPolicies in any partition.
func isAdminManagedPolicy(arn string) bool {
	rest, ok := strings.CutPrefix(arn, "arn:")
	if !ok {
		return false
	}
	_, name, ok := strings.Cut(rest, ":")
	return ok && adminManagedPolicies[name]
}

// WildcardIAM is GR-ADMIN-001.
var WildcardIAM = &rule.Rule{
	ID:       "GR-ADMIN-001",
	Title:    "IAM policies do not grant every action on every resource",
	Control:  rule.AdminAccess,
	Severity: policy.Critical,
	Clauses:  []clause.Clause{clause.AdministrativeAccessRestricted, clause.LeastPrivilege, clause.NeedToKnowAdmin},
	Description: "An IAM policy allows \"*\" (or a service's full \"iam:*\") on resource \"*\", allows everything but a " +
		"few actions or resources (NotAction, NotResource), or attaches AWS's AdministratorAccess, IAMFullAccess or " +
		"PowerUserAccess, or a GCP binding grants roles/owner or roles/editor. Administrative access must follow " +
		"least privilege.",
	Remediation: "Grant the specific actions on the specific resources the principal needs; keep full administration " +
		"to a break-glass role with MFA.",
	Formats: []resource.Format{resource.FormatTerraform, resource.FormatPlan},
	Types:   append(append(typesOf(identityPolicies), policyAttachments...), gcpRoleGrants...),
	Peers: rule.Peers{
		Checkov:   []string{"CKV_AWS_1", "CKV_AWS_62", "CKV_AWS_63", "CKV_GCP_117", "CKV_GCP_116", "CKV_GCP_115"},
		Trivy:     []string{"AWS-0057", "GCP-0007"},
		Terrascan: []string{"AC_GCP_0005"},
	},
	Check: func(p *rule.Pass, r *resource.Resource) {
		switch {
		case r.Type == "aws_iam_role":
			for _, b := range r.Get("inline_policy").List() {
				judgeIdentityPolicy(p, r, b.Get("policy"))
			}
			arns := r.Get("managed_policy_arns")
			for _, arn := range arns.List() {
				judgeManagedPolicy(p, r, arn)
			}
		case identityPolicies[r.Type] != "":
			judgeIdentityPolicy(p, r, r.Get(identityPolicies[r.Type]))
		case strings.HasPrefix(r.Type, "aws_"):
			judgeManagedPolicy(p, r, r.Get("policy_arn"))
		default:
			role := r.Get("role")
			switch role.String() {
			case "roles/owner", "roles/editor":
				p.ReportValue(r, role, "grants %s, which administers the whole project", role.String())
			}
		}
	},
}

// judgeManagedPolicy reports an attachment of a managed policy that
// administers everything. An ARN unknown until apply is one of the
// configuration's own policies, which are judged where they are defined.
func judgeManagedPolicy(p *rule.Pass, r *resource.Resource, arn resource.Value) {
	if isAdminManagedPolicy(arn.String()) {
		p.ReportValue(r, arn, "attaches %s, which grants full administration", arn.String())
	}
}

func judgeIdentityPolicy(p *rule.Pass, r *resource.Resource, v resource.Value) {
	if v.IsUnknown() {
		p.Undecidable(r, v, "whether the policy grants every action")
		return
	}
	text, ok := v.Str()
	if !ok || text == "" {
		return
	}
	d, err := iampolicy.Parse(text)
	if err != nil {
		return
	}
	for i := range d.Statements {
		st := &d.Statements[i]
		if !st.Allows() {
			continue
		}
		everywhere := len(st.NotResources) > 0
		for _, res := range st.Resources {
			everywhere = everywhere || res == "*"
		}
		if !everywhere {
			continue
		}
		on := "on every resource"
		if len(st.NotResources) > 0 {
			on = "on every resource but " + strings.Join(st.NotResources, ", ")
		}
		if st.NotActions {
			p.ReportValue(r, v, "statement %d allows every action but %s %s", i+1, strings.Join(st.Actions, ", "), on)
			continue
		}
		if a, ok := fullAction(st.Actions); ok {
			p.ReportValue(r, v, "statement %d allows %q %s", i+1, a, on)
		}
	}
}

// fullAction returns the first action that grants everything, or all of IAM.
func fullAction(actions []string) (string, bool) {
	for _, a := range actions {
		switch strings.ToLower(a) {
		case "*", "*:*", "iam:*":
			return a, true
		}
	}
	return "", false
}

func typesOf[T any](m map[string]T) []string { return slices.Sorted(maps.Keys(m)) }
