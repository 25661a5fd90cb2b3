package adminaccess_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/guardrail-dev/guardrail/pkg/rules/adminaccess"
	"github.com/guardrail-dev/guardrail/pkg/rules/ruletest"
)

func TestExpiredAccess(t *testing.T) {
	binding := func(kind, expires string) string {
		ns := ""
		if kind == "RoleBinding" {
			ns = "\n  namespace: payments"
		}
		return fmt.Sprintf(`
apiVersion: rbac.authorization.k8s.io/v1
kind: %s
metadata:
  name: oncall%s
  annotations:
    guardrail.dev/expires: %q
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit}
subjects:
- {kind: User, name: alice, apiGroup: rbac.authorization.k8s.io}`, kind, ns, expires)
	}
	// ruletest.Now is 2026-11-23T12:00:00Z.
	ruletest.Run(t, "GR-ADMIN-004", []ruletest.Case{
		{
			Name: "cluster role binding past its expiry date",
			YAML: binding("ClusterRoleBinding", "2026-11-22"),
			Want: []ruletest.Want{{Address: "ClusterRoleBinding/oncall", Path: `metadata.annotations."guardrail.dev/expires"`,
				Message: "expired at 2026-11-22T23:59:59Z and still grants access", Line: 7}},
		},
		{
			Name: "role binding past its expiry time in another zone",
			YAML: binding("RoleBinding", "2026-11-23T13:00:00+02:00"),
			Want: []ruletest.Want{{Address: "RoleBinding/payments/oncall", Message: "expired at 2026-11-23T11:00:00Z"}},
		},
		{
			Name: "expiring today, later today, and with surrounding space",
			YAML: binding("RoleBinding", "2026-11-23") + "\n---" + strings.Replace(binding("ClusterRoleBinding", " 2026-11-23T12:00:01Z "), "oncall", "later", 1),
		},
		{
			Name: "expiry that cannot be read",
			YAML: binding("ClusterRoleBinding", "next friday") + "\n---" + strings.Replace(binding("ClusterRoleBinding", "2026-02-30"), "oncall", "feb30", 1),
			Want: []ruletest.Want{
				{Address: "ClusterRoleBinding/oncall", Message: `guardrail.dev/expires="next friday" is neither an RFC 3339 time nor a date, so the access never expires`},
				{Address: "ClusterRoleBinding/feb30", Message: "never expires"},
			},
		},
		{
			Name: "bindings without the annotation, and other kinds carrying it",
			YAML: `
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: permanent, namespace: payments}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
subjects:
- {kind: User, name: alice, apiGroup: rbac.authorization.k8s.io}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: temp
  namespace: payments
  annotations: {guardrail.dev/expires: "2020-01-01"}
rules: []
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: temp
  namespace: payments
  annotations: {guardrail.dev/expires: "2020-01-01"}`,
		},
	})
}

func TestParseExpiry(t *testing.T) {
	for in, want := range map[string]string{
		"2027-01-31":                "2027-01-31T23:59:59.999999999Z",
		"2027-01-31T10:00:00Z":      "2027-01-31T10:00:00Z",
		"2027-01-31T10:00:00.5Z":    "2027-01-31T10:00:00.5Z",
		"2027-01-31T10:00:00-05:00": "2027-01-31T15:00:00Z",
		"\t2027-01-31\n":            "2027-01-31T23:59:59.999999999Z",
	} {
		t0, err := adminaccess.ParseExpiry(in)
		if got := t0.UTC().Format(time.RFC3339Nano); err != nil || got != want {
			t.Errorf("ParseExpiry(%q) = %v, %v; want %q", in, t0, err, want)
		}
	}
	for _, in := range []string{"", "2027-1-31", "2027-13-01", "31/01/2027", "2027-01-31 10:00", "tomorrow"} {
		if _, err := adminaccess.ParseExpiry(in); err == nil {
			t.Errorf("ParseExpiry(%q) succeeded, want an error", in)
		}
	}
}
