package iampolicy_test

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/guardrail-dev/guardrail/pkg/iampolicy"
)

func parse(t *testing.T, text string) *iampolicy.Document {
	t.Helper()
	d, err := iampolicy.Parse(text)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return d
}

func one(t *testing.T, text string) *iampolicy.Statement {
	t.Helper()
	d := parse(t, text)
	if len(d.Statements) != 1 {
		t.Fatalf("got %d statements, want 1", len(d.Statements))
	}
	return &d.Statements[0]
}

func TestParseStatementObjectOrList(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		want       int
	}{
		{"object", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}`, 1},
		{"list", `{"Statement":[{"Effect":"Allow","Action":"s3:GetObject"},{"Effect":"Deny","Action":"s3:*"}]}`, 2},
		{"object after whitespace", "{\"Statement\" :\n\t {\"Effect\":\"Allow\"}}", 1},
		{"empty list", `{"Statement":[]}`, 0},
		{"null", `{"Statement":null}`, 0},
		{"absent", `{"Version":"2012-10-17"}`, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := len(parse(t, tc.text).Statements); got != tc.want {
				t.Errorf("got %d statements, want %d", got, tc.want)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	for _, text := range []string{
		``,
		`not json`,
		`[]`,
		`{"Statement":"Allow"}`,
		`{"Statement":["Allow"]}`,
		`{"Statement":{"Effect":"Allow"}} trailing`,
		`{"Statement":[{"Effect":"Allow"}`,
		`{"Version":1}`,
		`{"Statement":` + strings.Repeat(" ", iampolicy.MaxDocumentBytes) + `[]}`,
	} {
		if _, err := iampolicy.Parse(text); err == nil {
			t.Errorf("Parse(%.40q) succeeded, want an error", text)
		}
	}
}

func TestParseStringOrList(t *testing.T) {
	st := one(t, `{"Statement":{
		"Sid": "All",
		"Effect": "Allow",
		"Principal": {"AWS": "arn:aws:iam::111122223333:root", "Service": ["ec2.amazonaws.com", "lambda.amazonaws.com"]},
		"Action": ["s3:GetObject", "s3:PutObject"],
		"Resource": "arn:aws:s3:::b/*",
		"Condition": {"StringEquals": {"aws:PrincipalOrgID": ["o-1", "o-2"]}, "Bool": {"aws:SecureTransport": "true"}}
	}}`)
	want := iampolicy.Statement{
		Sid:    "All",
		Effect: "Allow",
		Principals: map[string][]string{
			"AWS":     {"arn:aws:iam::111122223333:root"},
			"Service": {"ec2.amazonaws.com", "lambda.amazonaws.com"},
		},
		Actions:   []string{"s3:GetObject", "s3:PutObject"},
		Resources: []string{"arn:aws:s3:::b/*"},
		Conditions: map[string]map[string][]string{
			"StringEquals": {"aws:principalorgid": {"o-1", "o-2"}},
			"Bool":         {"aws:securetransport": {"true"}},
		},
	}
	if !reflect.DeepEqual(*st, want) {
		t.Errorf("got  %#v\nwant %#v", *st, want)
	}
}

func TestParseScalarsKeepTheirText(t *testing.T) {
	st := one(t, `{"Statement":{
		"Effect": "Allow",
		"Principal": {"AWS": [111122223333, "444455556666"]},
		"Action": "sts:AssumeRole",
		"Condition": {
			"NumericLessThan": {"aws:MultiFactorAuthAge": 3600},
			"Bool": {"aws:MultiFactorAuthPresent": true},
			"Null": {"aws:TokenIssueTime": [false]}
		}
	}}`)
	if got, want := st.AWSPrincipals(), []string{"111122223333", "444455556666"}; !reflect.DeepEqual(got, want) {
		t.Errorf("AWSPrincipals = %q, want %q", got, want)
	}
	for _, c := range []struct{ op, key, want string }{
		{"NumericLessThan", "aws:MultiFactorAuthAge", "3600"},
		{"Bool", "aws:MultiFactorAuthPresent", "true"},
		{"Null", "aws:TokenIssueTime", "false"},
	} {
		if got := st.Condition(c.op, c.key); len(got) != 1 || got[0] != c.want {
			t.Errorf("Condition(%s, %s) = %q, want [%q]", c.op, c.key, got, c.want)
		}
	}
}

func TestPrincipals(t *testing.T) {
	for _, tc := range []struct {
		name, stmt            string
		everyone, reaches     bool
		awsPrincipals         []string
		notPrincipal, effects bool
	}{
		{name: "string star", stmt: `"Principal":"*"`, everyone: true, reaches: true},
		{name: "aws star", stmt: `"Principal":{"AWS":"*"}`, everyone: true, reaches: true, awsPrincipals: []string{"*"}},
		{name: "aws star in a list", stmt: `"Principal":{"AWS":["arn:aws:iam::111122223333:root","*"]}`, everyone: true, reaches: true,
			awsPrincipals: []string{"arn:aws:iam::111122223333:root", "*"}},
		{name: "one account", stmt: `"Principal":{"AWS":"111122223333"}`, awsPrincipals: []string{"111122223333"}},
		{name: "service star is not everyone", stmt: `"Principal":{"Service":"*"}`},
		{name: "no principal", stmt: `"Action":"s3:*"`},
		{name: "not principal exempting one role", stmt: `"NotPrincipal":{"AWS":"arn:aws:iam::111122223333:role/admin"}`, reaches: true, notPrincipal: true},
		{name: "not principal star exempts everyone", stmt: `"NotPrincipal":{"AWS":"*"}`, notPrincipal: true},
		{name: "not principal string star", stmt: `"NotPrincipal":"*"`, notPrincipal: true},
		{name: "principal wins over not principal", stmt: `"Principal":"*","NotPrincipal":{"AWS":"x"}`, everyone: true, reaches: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := one(t, `{"Statement":{"Effect":"Allow",`+tc.stmt+`}}`)
			if got := st.Everyone(); got != tc.everyone {
				t.Errorf("Everyone() = %v, want %v", got, tc.everyone)
			}
			if got := st.ReachesEveryone(); got != tc.reaches {
				t.Errorf("ReachesEveryone() = %v, want %v", got, tc.reaches)
			}
			if got := st.AWSPrincipals(); !reflect.DeepEqual(got, tc.awsPrincipals) {
				t.Errorf("AWSPrincipals() = %q, want %q", got, tc.awsPrincipals)
			}
			if st.NotPrincipal != tc.notPrincipal {
				t.Errorf("NotPrincipal = %v, want %v", st.NotPrincipal, tc.notPrincipal)
			}
		})
	}
}

func TestActionsAndResources(t *testing.T) {
	for _, tc := range []struct {
		name, stmt   string
		notActions   bool
		resources    []string
		notResources []string
		has          map[string]bool
	}{
		{
			name: "action list with wildcards",
			stmt: `"Action":["s3:Get*","ec2:Describe?nstances"],"Resource":"*"`, resources: []string{"*"},
			has: map[string]bool{"s3:GetObject": true, "S3:GETOBJECT": true, "s3:PutObject": false, "ec2:DescribeInstances": true, "ec2:DescribeImages": false},
		},
		{
			name: "star", stmt: `"Action":"*"`,
			has: map[string]bool{"iam:CreateUser": true, "": true},
		},
		{
			name: "not action covers what it does not name", stmt: `"NotAction":["iam:*","organizations:*"],"Resource":"*"`,
			notActions: true, resources: []string{"*"},
			has: map[string]bool{"s3:GetObject": true, "iam:CreateUser": false, "IAM:createuser": false, "organizations:ListAccounts": false},
		},
		{
			name: "neither action nor not action", stmt: `"Resource":"*"`, resources: []string{"*"},
			has: map[string]bool{"s3:GetObject": false},
		},
		{
			name: "not resource", stmt: `"Action":"*","NotResource":["arn:aws:s3:::secret","arn:aws:s3:::secret/*"]`,
			notResources: []string{"arn:aws:s3:::secret", "arn:aws:s3:::secret/*"},
			has:          map[string]bool{"s3:GetObject": true},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := one(t, `{"Statement":{"Effect":"Allow",`+tc.stmt+`}}`)
			if st.NotActions != tc.notActions {
				t.Errorf("NotActions = %v, want %v", st.NotActions, tc.notActions)
			}
			if !reflect.DeepEqual(st.Resources, tc.resources) || !reflect.DeepEqual(st.NotResources, tc.notResources) {
				t.Errorf("Resources %q NotResources %q, want %q and %q", st.Resources, st.NotResources, tc.resources, tc.notResources)
			}
			for action, want := range tc.has {
				if got := st.HasAction(action); got != want {
					t.Errorf("HasAction(%q) = %v, want %v", action, got, want)
				}
			}
		})
	}
}

func TestEffect(t *testing.T) {
	for _, tc := range []struct {
		effect         string
		allows, denies bool
	}{
		{"Allow", true, false}, {"allow", true, false}, {"Deny", false, true}, {"DENY", false, true}, {"", false, false}, {"Permit", false, false},
	} {
		st := one(t, `{"Statement":{"Effect":"`+tc.effect+`"}}`)
		if st.Allows() != tc.allows || st.Denies() != tc.denies {
			t.Errorf("Effect %q: Allows %v Denies %v, want %v %v", tc.effect, st.Allows(), st.Denies(), tc.allows, tc.denies)
		}
	}
}

func TestConditionCaseInsensitive(t *testing.T) {
	st := one(t, `{"Statement":{"Effect":"Deny","Principal":"*","Action":"s3:*","Condition":{
		"bool": {"AWS:SecureTransport": "false"},
		"ForAnyValue:StringLike": {"aws:PrincipalTag/Team": ["a*", "b*"]},
		"forallvalues:StringEquals": {"aws:TagKeys": "env"},
		"StringEquals": "not a map"
	}}}`)
	for _, tc := range []struct {
		op, key string
		want    []string
	}{
		{"Bool", "aws:securetransport", []string{"false"}},
		{"BOOL", "Aws:SecureTransport", []string{"false"}},
		{"StringLike", "aws:principaltag/team", []string{"a*", "b*"}},
		{"ForAllValues:StringEquals", "aws:tagkeys", []string{"env"}},
		{"StringEquals", "aws:tagkeys", nil},
		{"Bool", "aws:MultiFactorAuthPresent", nil},
		{"NumericLessThan", "aws:SecureTransport", nil},
	} {
		if got := st.Condition(tc.op, tc.key); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("Condition(%q, %q) = %q, want %q", tc.op, tc.key, got, tc.want)
		}
	}
}

func TestConditionKeysDifferingInCaseMerge(t *testing.T) {
	st := one(t, `{"Statement":{"Effect":"Allow","Condition":{"StringEquals":{"aws:SourceVpc":"vpc-1","AWS:SOURCEVPC":"vpc-2"}}}}`)
	got := st.Condition("StringEquals", "aws:sourcevpc")
	if len(got) != 2 {
		t.Errorf("Condition = %q, want both values", got)
	}
}

func TestWildcardMatching(t *testing.T) {
	for _, tc := range []struct {
		pattern, action string
		want            bool
	}{
		{"s3:*", "s3:GetObject", true},
		{"s3:*Object", "s3:GetObject", true},
		{"s3:*Object", "s3:GetObjectAcl", false},
		{"s3:Get*Acl", "s3:GetObjectAcl", true},
		{"s3:?etObject", "s3:GetObject", true},
		{"s3:?", "s3:", false},
		{"*", "", true},
		{"**", "x", true},
		{"a*b*c", "abc", true},
		{"a*b*c", "acb", false},
		{"*a", "ba", true},
		{"*a*", "bbb", false},
		{"s3:GetObject", "s3:GetObjectAcl", false},
		{"", "", true},
		{"", "x", false},
	} {
		st := iampolicy.Statement{Actions: []string{tc.pattern}}
		if got := st.HasAction(tc.action); got != tc.want {
			t.Errorf("pattern %q on %q = %v, want %v", tc.pattern, tc.action, got, tc.want)
		}
	}
}

// TestWildcardPathological keeps matching linear-ish: patterns that make a
// backtracking matcher exponential finish at once.
func TestWildcardPathological(t *testing.T) {
	long := strings.Repeat("a", 100_000)
	for _, pattern := range []string{
		"*a*a*a*a*a*b",
		strings.Repeat("*a", 50) + "*b",
		strings.Repeat("a*", 200) + "b",
		strings.Repeat("?", 99_999) + "*b",
	} {
		st := iampolicy.Statement{Actions: []string{pattern}}
		start := time.Now()
		if st.HasAction(long) {
			t.Errorf("%.20q... matched a string without b", pattern)
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("%.20q... took %v", pattern, d)
		}
	}
	st := iampolicy.Statement{Actions: []string{"*a*a*a*a*a*b"}}
	if !st.HasAction(long + "b") {
		t.Error("pattern did not match a string ending in b")
	}
}

func TestAccountOf(t *testing.T) {
	for in, want := range map[string]string{
		"111122223333":                                   "111122223333",
		" 111122223333\n":                                "111122223333",
		"arn:aws:iam::111122223333:root":                 "111122223333",
		"arn:aws:iam::111122223333:role/deploy":          "111122223333",
		"arn:aws-us-gov:iam::111122223333:user/ops":      "111122223333",
		"arn:aws:sts::111122223333:assumed-role/r/s":     "111122223333",
		"arn:aws:s3:::bucket":                            "",
		"arn:aws:iam::aws:policy/AdministratorAccess":    "",
		"arn:aws:iam::11112222333:root":                  "",
		"arn:aws:iam::1111222233334:root":                "",
		"arn:aws:iam::11112222333a:root":                 "",
		"arn:aws:iam::１１１１２２２２３３３３:root":                 "",
		"11112222333":                                    "",
		"1111222233334":                                  "",
		"*":                                              "",
		"":                                               "",
		"notarn:aws:iam::111122223333:root":              "",
		"ec2.amazonaws.com":                              "",
		"arn:aws:iam:eu-west-1:111122223333:role/x:with": "111122223333",
	} {
		if got := iampolicy.AccountOf(in); got != want {
			t.Errorf("AccountOf(%q) = %q, want %q", in, got, want)
		}
	}
}
