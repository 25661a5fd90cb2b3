package iampolicy_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/guardrail-dev/guardrail/pkg/iampolicy"
)

// FuzzParse checks that no document makes Parse or the statement queries
// panic, that only valid JSON parses, and that a statement applies to every
// action its Action names literally.
func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}`,
		`{"Statement":[{"Sid":"1","Effect":"Deny","Principal":"*","NotAction":["s3:Get*"],"NotResource":"arn:aws:s3:::b/*",` +
			`"Condition":{"Bool":{"aws:SecureTransport":false},"ForAnyValue:StringLike":{"k":["a","b"]}}}]}`,
		`{"Statement":{"Effect":"Allow","NotPrincipal":{"AWS":["111122223333",444455556666]},"Action":"sts:AssumeRole"}}`,
		`{"Statement":{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"*a*a*a*a*a*b"}}`,
		`{"Statement":null}`,
		`{"Statement":[null,{}]}`,
		`{"Statement":{"Principal":{"AWS":{"nested":true}},"Action":[["x"]],"Condition":{"Bool":[1,2]}}}`,
		`[]`,
		``,
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, text string) {
		d, err := iampolicy.Parse(text)
		if err != nil {
			return
		}
		if !json.Valid([]byte(text)) {
			t.Fatalf("Parse accepted invalid JSON %q", text)
		}
		for i := range d.Statements {
			st := &d.Statements[i]
			if st.Principals == nil || st.Conditions == nil {
				t.Fatal("statement maps are nil")
			}
			st.Allows()
			st.Denies()
			everyone, reaches := st.Everyone(), st.ReachesEveryone()
			if everyone && !reaches {
				t.Fatalf("statement %d names everyone but does not reach everyone", i)
			}
			st.AWSPrincipals()
			for op, kv := range st.Conditions {
				for k := range kv {
					st.Condition(op, k)
					if k != strings.ToLower(k) {
						t.Fatalf("condition key %q is not lower case", k)
					}
				}
			}
			for _, a := range st.Actions {
				if !strings.ContainsAny(a, "*?") && st.HasAction(a) == st.NotActions {
					t.Fatalf("statement %d: HasAction(%q) = %v with NotActions %v", i, a, !st.NotActions, st.NotActions)
				}
			}
		}
	})
}
