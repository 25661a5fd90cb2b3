package adminaccess

import (
	"strings"
	"time"

	"github.com/guardrail-dev/guardrail/pkg/clause"
	"github.com/guardrail-dev/guardrail/pkg/policy"
	"github.com/guardrail-dev/guardrail/pkg/resource"
	"github.com/guardrail-dev/guardrail/pkg/rule"
)

// ExpiresAnnotation marks a binding as temporary access until the given
// time (RFC 3339, or a date meaning the end of that day in UTC).
const ExpiresAnnotation = "guardrail.dev/expires"

// ParseExpiry parses the value of ExpiresAnnotation; surrounding white space is ignored.
func ParseExpiry(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}, err
	}
	return t.Add(24*time.Hour - time.Nanosecond), nil
}

// ExpiredAccess is GR-ADMIN-004.
var ExpiredAccess = &rule.Rule{
	ID:       "GR-ADMIN-004",
	Title:    "Temporary access is removed when it expires",
	Control:  rule.AdminAccess,
	Severity: policy.High,
	Clauses:  []clause.Clause{clause.TemporaryPermissions, clause.RemovalOfAccess, clause.LeastPrivilege},
	Description: "A RoleBinding or ClusterRoleBinding annotated " + ExpiresAnnotation + " is past its expiry, or the " +
		"annotation cannot be read. Policy 000 asks for permissions handed out temporarily to be revoked after use; " +
		"the audit controller removes expired bindings when the policy allows it.",
	Remediation: "Delete the binding, or renew it with a new expiry after review.",
	Formats:     []resource.Format{resource.FormatKubernetes},
	Types:       []string{"RoleBinding", "ClusterRoleBinding"},
	Check: func(p *rule.Pass, r *resource.Resource) {
		v, ok := r.Annotations[ExpiresAnnotation]
		if !ok {
			return
		}
		at := resource.Path{resource.Key("metadata"), resource.Key("annotations"), resource.Key(ExpiresAnnotation)}
		t, err := ParseExpiry(v)
		if err != nil {
			p.Report(r, at, "%s=%q is neither an RFC 3339 time nor a date, so the access never expires", ExpiresAnnotation, v)
			return
		}
		if p.Now.After(t) {
			p.Report(r, at, "the binding expired at %s and still grants access", t.UTC().Format(time.RFC3339))
		}
	},
}
