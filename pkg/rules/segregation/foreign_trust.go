package segregation

import (
	"strings"

	"github.com/guardrail-dev/guardrail/pkg/clause"
	"github.com/guardrail-dev/guardrail/pkg/iampolicy"
	"github.com/guardrail-dev/guardrail/pkg/policy"
	"github.com/guardrail-dev/guardrail/pkg/resource"
	"github.com/guardrail-dev/guardrail/pkg/rule"
)

// trustDocs names, per type, the attribute holding a policy document whose
// principals are trusted.
var trustDocs = map[string]string{
	"aws_iam_role":                     "assume_role_policy",
	"aws_s3_bucket_policy":             "policy",
	"aws_kms_key":                      "policy",
	"aws_kms_key_policy":               "policy",
	"aws_sqs_queue_policy":             "policy",
	"aws_sns_topic_policy":             "policy",
	"aws_ecr_repository_policy":        "policy",
	"aws_secretsmanager_secret_policy": "policy",
	"aws_iam_policy":                   "policy",
	"aws_iam_role_policy":              "policy",
	"aws_iam_user_policy":              "policy",
	"aws_iam_group_policy":             "policy",
}

// gcpMembers are GCP IAM resources whose member(s) may be another project's service account.
var gcpMembers = []string{
	"google_project_iam_member", "google_project_iam_binding", "google_storage_bucket_iam_member",
	"google_storage_bucket_iam_binding", "google_service_account_iam_member", "google_service_account_iam_binding",
	"google_kms_crypto_key_iam_member", "google_kms_crypto_key_iam_binding", "google_secret_manager_secret_iam_member",
	"google_pubsub_topic_iam_member", "google_bigquery_dataset_iam_member",
}

// ForeignTrust is GR-SEG-006.
var ForeignTrust = &rule.Rule{
	ID:       "GR-SEG-006",
	Title:    "Identities of one environment are not trusted in another",
	Control:  rule.Segregation,
	Severity: policy.Critical,
	Clauses:  []clause.Clause{clause.SegregationOfEnvironments, clause.SeparatedEnvironments, clause.LeastPrivilege},
	Description: "An IAM role's trust policy, a resource policy (bucket, key, queue, topic, secret, repository) or a " +
		"GCP IAM member grants an account, project or service account of another environment access, or an IAM " +
		"policy lets this environment assume roles in another. Accounts are the hard boundary between environments; " +
		"cross-account trust removes it. A trust policy open to every AWS account is reported too. A policy written " +
		"with an aws_iam_policy_document data source is judged from the data source's statements.",
	Remediation: "Trust only principals of the same environment's accounts; deploy across environments through the " +
		"pipeline's own role per environment.",
	Formats: []resource.Format{resource.FormatTerraform, resource.FormatPlan},
	Types:   append(typesOf(trustDocs), gcpMembers...),
	Check: func(p *rule.Pass, r *resource.Resource) {
		env := envOf(p, r)
		if attr, ok := trustDocs[r.Type]; ok {
			judgeDocument(p, r, env, r.Get(attr))
			return
		}
		judgeMembers(p, r, env)
	},
}

func judgeDocument(p *rule.Pass, r *resource.Resource, env string, doc resource.Value) {
	if doc.IsUnknown() {
		stmts, src, undecided := documentFromData(p, r, doc)
		if src == "" {
			if env != "" {
				p.Undecidable(r, doc, "which accounts the policy trusts")
			}
			return
		}
		if undecided != "" && env != "" {
			p.UndecidableBecause(r, doc.Path(), "which accounts the policy trusts", undecided)
		}
		judgeStatements(p, r, env, doc, stmts, " ("+src+")")
		return
	}
	text, ok := doc.Str()
	if !ok || text == "" {
		return
	}
	d, err := iampolicy.Parse(text)
	if err != nil {
		return
	}
	judgeStatements(p, r, env, doc, d.Statements, "")
}

// judgeStatements reports the principals of other environments a policy
// document trusts, and the roles of other environments it lets env assume.
// src names the data source the document came from, for messages.
func judgeStatements(p *rule.Pass, r *resource.Resource, env string, doc resource.Value, stmts []iampolicy.Statement, src string) {
	isTrust := r.Type == "aws_iam_role"
	for i := range stmts {
		st := &stmts[i]
		if !st.Allows() {
			continue
		}
		if isTrust && st.ReachesEveryone() && len(st.Conditions) == 0 {
			p.ReportValue(r, doc, "the trust policy%s lets any AWS account assume the role", src)
			continue
		}
		if env == "" || st.NotPrincipal { // NotPrincipal lists whom the statement exempts
			continue
		}
		for _, principal := range st.AWSPrincipals() {
			if other, how := envOfIdentifier(p, principal); crosses(p, env, other) {
				p.ReportValue(r, doc, "the policy%s trusts %s of environment %s (%s)", src, principal, other, how)
			}
		}
		// An identity policy reaching into another environment's roles.
		if strings.HasPrefix(r.Type, "aws_iam_") && r.Type != "aws_iam_role" && st.HasAction("sts:AssumeRole") {
			for _, res := range st.Resources {
				if other, how := envOfIdentifier(p, res); crosses(p, env, other) {
					p.ReportValue(r, doc, "the policy%s lets %s assume %s of environment %s (%s)", src, env, res, other, how)
				}
			}
		}
	}
}

// documentFromData reads the statements of the aws_iam_policy_document data
// source an unknown policy attribute refers to: Terraform computes its json
// only during plan, but its statements are written in the configuration.
// src is the data source's address ("" when there is none); undecided says
// what part of it is unknown.
func documentFromData(p *rule.Pass, r *resource.Resource, doc resource.Value) (stmts []iampolicy.Statement, src, undecided string) {
	for _, t := range refTargets(p, r, doc.Path()[0].Key) {
		d := t.res
		if d.Mode != "data" || d.Type != "aws_iam_policy_document" {
			continue
		}
		src = d.Address
		unknown := func(v resource.Value) {
			if undecided == "" {
				undecided = v.Path().String() + " of " + d.Address + " is unknown until apply"
			}
		}
		for _, key := range []string{"source_policy_documents", "override_policy_documents", "source_json", "override_json"} {
			texts, unk := d.Get(key).Strings()
			if unk {
				unknown(d.Get(key))
			}
			for _, text := range texts {
				if pd, err := iampolicy.Parse(text); err == nil {
					stmts = append(stmts, pd.Statements...)
				}
			}
		}
		sts := d.Get("statement")
		if sts.IsUnknown() {
			unknown(sts)
		}
		for _, sv := range sts.List() {
			st := iampolicy.Statement{Effect: "Allow", Principals: map[string][]string{}, Conditions: map[string]map[string][]string{}}
			if e := sv.Get("effect").String(); e != "" {
				st.Effect = e
			}
			var unk bool
			if st.Actions, unk = sv.Get("actions").Strings(); unk {
				unknown(sv.Get("actions"))
			}
			if st.Resources, unk = sv.Get("resources").Strings(); unk {
				unknown(sv.Get("resources"))
			}
			for _, pv := range sv.Get("principals").List() {
				ids, unk := pv.Get("identifiers").Strings()
				if unk || pv.Get("type").IsUnknown() {
					unknown(pv)
				}
				typ := pv.Get("type").String()
				if typ == "*" {
					st.Principals["*"] = append(st.Principals["*"], ids...)
				} else {
					st.Principals[typ] = append(st.Principals[typ], ids...)
				}
			}
			for _, cv := range sv.Get("condition").List() {
				test, variable := cv.Get("test").String(), strings.ToLower(cv.Get("variable").String())
				values, _ := cv.Get("values").Strings()
				if st.Conditions[test] == nil {
					st.Conditions[test] = map[string][]string{}
				}
				st.Conditions[test][variable] = append(st.Conditions[test][variable], values...)
			}
			stmts = append(stmts, st)
		}
		return stmts, src, undecided
	}
	return nil, "", ""
}

func judgeMembers(p *rule.Pass, r *resource.Resource, env string) {
	if env == "" {
		return
	}
	for _, key := range []string{"member", "members"} {
		v := r.Get(key)
		members, unknown := v.Strings()
		if unknown {
			p.Undecidable(r, v, "which principals are granted access")
		}
		for _, m := range members {
			if other, how := envOfIdentifier(p, m); crosses(p, env, other) {
				p.ReportValue(r, v, "%s of environment %s (%s) is granted access in %s", m, other, how, env)
			}
		}
	}
}

func typesOf[T any](m map[string]T) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}
