package transit

import (
	"strings"

	"github.com/guardrail-dev/guardrail/pkg/clause"
	"github.com/guardrail-dev/guardrail/pkg/iampolicy"
	"github.com/guardrail-dev/guardrail/pkg/policy"
	"github.com/guardrail-dev/guardrail/pkg/resource"
	"github.com/guardrail-dev/guardrail/pkg/rule"
)

// S3SecureTransport is GR-TLS-006.
var S3SecureTransport = &rule.Rule{
	ID:       "GR-TLS-006",
	Title:    "S3 buckets deny requests that do not use TLS",
	Control:  rule.Transit,
	Severity: policy.Medium,
	Clauses:  []clause.Clause{clause.EncryptionInTransit, clause.EncryptedProtocolsOnly},
	Description: "S3 accepts plain HTTP requests unless the bucket policy denies them. A bucket whose policy has no " +
		"Deny statement for requests where aws:SecureTransport is false (or that has no bucket policy at all in " +
		"the inputs) can be read or written in plaintext. Policies written with aws_iam_policy_document are read " +
		"from the data source; a bucket policy whose bucket is not in the inputs is judged on its own.",
	Remediation: "Add a bucket policy statement: Effect Deny, Principal \"*\", Action \"s3:*\", Resource the bucket and " +
		"its objects, Condition Bool aws:SecureTransport = \"false\".",
	Formats: []resource.Format{resource.FormatTerraform, resource.FormatPlan},
	Peers:   rule.Peers{Checkov: []string{"CKV_AWS_379"}},
	CheckAll: func(p *rule.Pass) {
		buckets := p.Index.ByType("aws_s3_bucket")
		byName := map[string]*resource.Resource{}
		for _, b := range buckets {
			if n, ok := b.Get("bucket").Str(); ok && n != "" && !b.IsDeleted() {
				byName[b.Unit+"\x00"+n] = b
			}
		}
		type verdict struct {
			denies  bool
			unknown *resource.Value
			policy  *resource.Resource
		}
		verdicts := map[*resource.Resource]*verdict{}
		judge := func(bucket, holder *resource.Resource) {
			v := verdicts[bucket]
			if v == nil {
				v = &verdict{}
				verdicts[bucket] = v
			}
			v.policy = holder
			denies, unknown := policyDenies(p, holder)
			v.denies = v.denies || denies
			if unknown != nil {
				v.unknown = unknown
			}
		}
		for _, b := range buckets {
			doc := b.Get("policy")
			// A plan shows the deprecated inline policy left out as computed.
			if doc.IsNull() || doc.IsUnknown() && b.Format == resource.FormatPlan && !refersFrom(b, "policy") {
				continue
			}
			judge(b, b)
		}
		for _, pol := range p.Index.ByType("aws_s3_bucket_policy") {
			if pol.IsDeleted() {
				continue
			}
			var target *resource.Resource
			for _, ref := range pol.Refs {
				if len(ref.From) > 0 && ref.From[0].Key == "bucket" {
					for _, rs := range p.Index.Resolve(pol, ref.To) {
						if rs.Type == "aws_s3_bucket" && rs.Mode != "data" {
							target = rs
						}
					}
				}
			}
			if target == nil {
				target = byName[pol.Unit+"\x00"+pol.Get("bucket").String()]
			}
			if target != nil {
				judge(target, pol)
				continue
			}
			// The bucket is defined elsewhere: judge the policy on its own.
			switch denies, unknown := policyDenies(p, pol); {
			case denies:
			case unknown != nil:
				p.Undecidable(pol, *unknown, "whether the bucket policy denies requests without TLS")
			default:
				p.Report(pol, resource.Path{resource.Key("policy")}, "the bucket policy of %s does not deny requests without TLS (aws:SecureTransport = false)", policyBucket(pol))
			}
		}
		for _, b := range buckets {
			if b.IsDeleted() || b.Mode == "data" {
				continue
			}
			v := verdicts[b]
			switch {
			case v == nil:
				p.Report(b, nil, "no bucket policy for %s denies requests without TLS (aws:SecureTransport = false)", bucketName(b))
			case v.denies:
			case v.unknown != nil:
				p.Undecidable(v.policy, *v.unknown, "whether the bucket policy of "+bucketName(b)+" denies requests without TLS")
			default:
				p.Report(v.policy, resource.Path{resource.Key("policy")}, "the bucket policy of %s does not deny requests without TLS (aws:SecureTransport = false)", bucketName(b))
			}
		}
	},
}

func bucketName(b *resource.Resource) string {
	if n, ok := b.Get("bucket").Str(); ok && n != "" {
		return "bucket " + n
	}
	return b.Address
}

func policyBucket(pol *resource.Resource) string {
	if n, ok := pol.Get("bucket").Str(); ok && n != "" {
		return "bucket " + n
	}
	return "its bucket"
}

func refersFrom(r *resource.Resource, attr string) bool {
	for _, ref := range r.Refs {
		if len(ref.From) > 0 && ref.From[0].Key == attr {
			return true
		}
	}
	return false
}

// policyDenies reads the policy attribute of holder (a bucket or a bucket
// policy) and reports whether it denies plaintext requests; unknown is set
// when that cannot be told. An unknown document written by an
// aws_iam_policy_document data source of the inputs is read from its
// statements.
func policyDenies(p *rule.Pass, holder *resource.Resource) (denies bool, unknown *resource.Value) {
	doc := holder.Get("policy")
	if !doc.IsUnknown() {
		d, err := iampolicy.Parse(doc.String())
		return err == nil && deniesPlaintext(d), nil
	}
	for _, ref := range holder.Refs {
		if len(ref.From) == 0 || ref.From[0].Key != "policy" || !strings.HasPrefix(ref.To, "data.aws_iam_policy_document.") {
			continue
		}
		for _, ds := range p.Index.Resolve(holder, ref.To) {
			if d, u := documentDenies(p, ds, 0); d {
				return true, nil
			} else if u != nil {
				unknown = u
			} else if unknown == nil {
				return false, nil
			}
		}
	}
	if unknown == nil {
		unknown = &doc
	}
	return false, unknown
}

// documentDenies reads the statements of an aws_iam_policy_document data
// source, and the documents it builds on.
func documentDenies(p *rule.Pass, ds *resource.Resource, depth int) (denies bool, unknown *resource.Value) {
	if depth > 8 {
		v := ds.Value()
		return false, &v
	}
	var d iampolicy.Document
	for _, st := range ds.Get("statement").List() {
		s, u := statementOf(st)
		if u != nil {
			unknown = u
			continue
		}
		d.Statements = append(d.Statements, s)
	}
	if deniesPlaintext(&d) {
		return true, nil
	}
	for _, k := range []string{"source_policy_documents", "override_policy_documents", "source_json", "override_json"} {
		for _, src := range ds.Get(k).List() {
			if src.IsUnknown() {
				unknown = &src
				continue
			}
			if sd, err := iampolicy.Parse(src.String()); err == nil && deniesPlaintext(sd) {
				return true, nil
			}
		}
	}
	return false, unknown
}

// statementOf turns a statement block of aws_iam_policy_document into an
// IAM statement; unknown is set when a part that decides whether it denies
// plaintext is unknown.
func statementOf(st resource.Value) (s iampolicy.Statement, unknown *resource.Value) {
	s = iampolicy.Statement{Effect: "Allow", Principals: map[string][]string{}, Conditions: map[string]map[string][]string{}}
	strs := func(v resource.Value) []string {
		out, u := v.Strings()
		if u && unknown == nil {
			unknown = &v
		}
		return out
	}
	if e := st.Get("effect"); e.IsUnknown() {
		unknown = &e
	} else if e.String() != "" {
		s.Effect = e.String()
	}
	s.Actions = strs(st.Get("actions"))
	if na := st.Get("not_actions"); !na.IsNull() {
		s.Actions, s.NotActions = strs(na), true
	}
	for _, pr := range st.Get("principals").List() {
		t := pr.Get("type").String()
		s.Principals[t] = append(s.Principals[t], strs(pr.Get("identifiers"))...)
	}
	for _, c := range st.Get("condition").List() {
		test, variable := c.Get("test").String(), strings.ToLower(c.Get("variable").String())
		if s.Conditions[test] == nil {
			s.Conditions[test] = map[string][]string{}
		}
		s.Conditions[test][variable] = append(s.Conditions[test][variable], strs(c.Get("values"))...)
	}
	return s, unknown
}

func deniesPlaintext(d *iampolicy.Document) bool {
	for i := range d.Statements {
		s := &d.Statements[i]
		if !s.Denies() || !s.Everyone() || !(s.HasAction("s3:GetObject") || s.HasAction("s3:PutObject")) {
			continue
		}
		for _, op := range []string{"Bool", "BoolIfExists"} {
			for _, v := range s.Condition(op, "aws:SecureTransport") {
				if strings.EqualFold(v, "false") {
					return true
				}
			}
		}
	}
	return false
}
