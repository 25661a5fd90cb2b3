package approval_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"sigs.k8s.io/yaml"

	"github.com/guardrail-dev/guardrail/pkg/approval"
	"github.com/guardrail-dev/guardrail/pkg/approval/approvaltest"
	"github.com/guardrail-dev/guardrail/pkg/engine"
	"github.com/guardrail-dev/guardrail/pkg/load/manifest"
	"github.com/guardrail-dev/guardrail/pkg/load/tfplan"
	"github.com/guardrail-dev/guardrail/pkg/policy"
	"github.com/guardrail-dev/guardrail/pkg/rule"
	"github.com/guardrail-dev/guardrail/pkg/rules/ruletest"
)

var now = ruletest.Now

// signers are the approvers of these tests; mallory's key is listed nowhere.
type signers struct {
	bob, carol, alice, dana, mallory *approvaltest.Signer
}

func newSigners(t *testing.T) signers {
	return signers{
		bob: approvaltest.NewSigner(t, "bob@acme.test"), carol: approvaltest.NewSigner(t, "carol@acme.test"),
		alice: approvaltest.NewSigner(t, "alice@acme.test"), dana: approvaltest.NewSigner(t, "dana@acme.test"),
		mallory: approvaltest.NewSigner(t, "bob@acme.test"),
	}
}

// policyOf is a policy with prod, staging and dev, the approval settings
// given and rules; the signers are listed unless the settings list their own.
func policyOf(t *testing.T, s signers, approval string, rules ...string) *policy.Policy {
	t.Helper()
	doc := `apiVersion: guardrail.dev/v1alpha1
kind: Policy
metadata: {name: approvals}
spec:
  environments:
    definitions:
    - {name: prod, production: true, namespaces: [prod, prod-*]}
    - {name: staging, namespaces: [staging]}
    - {name: dev, namespaces: [dev]}
  approval:
    ticketPattern: "CHG-[0-9]+"
` + approval
	if !strings.Contains(approval, "allowedSigners:") {
		doc += `    allowedSigners:
    - ` + s.bob.YAML() + `
    - ` + s.carol.YAML() + `
    - ` + s.alice.YAML() + `
    - {identity: dana@acme.test, keys: ['` + s.dana.AuthorizedKey + `'], environments: [staging], namespaces: [prod-payments]}
`
	}
	doc += strings.Join(rules, "")
	p, err := policy.Parse("policy.yaml", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func deployment(ns string) map[string]any {
	return map[string]any{
		"apiVersion": "apps/v1", "kind": "Deployment",
		"metadata": map[string]any{"name": "web", "namespace": ns, "labels": map[string]any{"app": "web"}},
		"spec": map[string]any{
			"replicas": 3, "selector": map[string]any{"matchLabels": map[string]any{"app": "web"}},
			"template": map[string]any{
				"metadata": map[string]any{"labels": map[string]any{"app": "web"}},
				"spec": map[string]any{"containers": []any{map[string]any{
					"name": "web", "image": "registry.acme.test/web:1.2.0",
					"ports":     []any{map[string]any{"containerPort": 8443}},
					"resources": map[string]any{"requests": map[string]any{"cpu": "0.5"}},
				}}},
			},
		},
	}
}

// lint writes objects as YAML and lints them as the CLI does.
func lint(t *testing.T, pol *policy.Policy, ctx *approval.Context, objs ...map[string]any) *engine.Result {
	t.Helper()
	var docs []string
	for _, o := range objs {
		y, err := yaml.Marshal(o)
		if err != nil {
			t.Fatal(err)
		}
		docs = append(docs, string(y))
	}
	set, _ := manifest.Load("manifests.yaml", []byte(strings.Join(docs, "---\n")), manifest.Options{})
	if set.Diagnostics.HasErrors() {
		t.Fatalf("load: %v", set.Diagnostics.Errs())
	}
	res, err := engine.Evaluate(context.Background(), pol, set, engine.Options{Now: now, Approval: ctx})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func approvalFindings(res *engine.Result) []rule.Finding {
	var out []rule.Finding
	for _, f := range res.Findings {
		if strings.HasPrefix(f.RuleID, "GR-APPR-") {
			out = append(out, f)
		}
	}
	return out
}

// expect checks that the GR-APPR findings are exactly want: "ID mode substring".
func expect(t *testing.T, res *engine.Result, want ...string) {
	t.Helper()
	got := approvalFindings(res)
	used := make([]bool, len(got))
	for _, w := range want {
		id, rest, _ := strings.Cut(w, " ")
		mode, msg, _ := strings.Cut(rest, " ")
		found := false
		for i, f := range got {
			if !used[i] && f.RuleID == id && string(f.Mode) == mode && strings.Contains(f.Message, msg) {
				used[i], found = true, true
				break
			}
		}
		if !found {
			t.Errorf("missing %s", w)
		}
	}
	for i, f := range got {
		if !used[i] {
			t.Errorf("unexpected %s %s %s: %s", f.RuleID, f.Mode, f.Subject.Address, f.Message)
		}
	}
	if t.Failed() {
		t.Logf("findings:\n%s", ruletest.Describe(res))
	}
}

func approve(t *testing.T, obj map[string]any, ticket string, at time.Time, by ...*approvaltest.Signer) approval.Change {
	t.Helper()
	meta := obj["metadata"].(map[string]any)
	ns, _ := meta["namespace"].(string)
	return approvaltest.Approve(t, obj, ns, ticket, at, by...)
}

func withAnnotation(obj map[string]any, key, value string) map[string]any {
	meta := obj["metadata"].(map[string]any)
	ann, _ := meta["annotations"].(map[string]any)
	if ann == nil {
		ann = map[string]any{}
		meta["annotations"] = ann
	}
	ann[key] = value
	return obj
}

func TestKubernetesApprovals(t *testing.T) {
	s := newSigners(t)
	pol := policyOf(t, s, "")
	hourAgo := now.Add(-time.Hour)
	container := func(obj map[string]any) map[string]any {
		return obj["spec"].(map[string]any)["template"].(map[string]any)["spec"].(map[string]any)["containers"].([]any)[0].(map[string]any)
	}

	t.Run("a valid approval, and no approval needed outside prod", func(t *testing.T) {
		d := deployment("prod")
		approve(t, d, "CHG-1", hourAgo, s.bob)
		res := lint(t, pol, nil, d, deployment("dev"), deployment("staging"))
		expect(t, res)
		v := res.Approvals.Of(res.Index.Resources()[0])
		if v == nil || !v.Approved || len(v.Approvers) != 1 || v.Approvers[0][0] != "bob@acme.test" {
			t.Errorf("verdict %+v, want approved by bob", v)
		}
	})
	t.Run("no approval, and an approver's name anyone can type", func(t *testing.T) {
		named := withAnnotation(withAnnotation(deployment("prod"), "guardrail.dev/approved-by", "bob@acme.test"), "guardrail.dev/change-ticket", "CHG-1")
		res := lint(t, pol, nil, deployment("prod"))
		expect(t, res, "GR-APPR-001 deny the prod change to Deployment/prod/web has no approval (no guardrail.dev/approvals annotation)")
		if f := approvalFindings(res)[0]; f.Path != "metadata.annotations" || f.Location.Line == 0 {
			t.Errorf("finding at %q %s, want metadata.annotations with a line", f.Path, f.Location)
		}
		expect(t, lint(t, pol, nil, named), "GR-APPR-001 deny no guardrail.dev/approvals annotation")
	})
	t.Run("an annotation that cannot be read", func(t *testing.T) {
		d := withAnnotation(deployment("prod"), "guardrail.dev/approvals", `{"format":"guardrail.dev/approvals/v1","digest":"sha256:1"}`)
		expect(t, lint(t, pol, nil, d), "GR-APPR-001 deny the guardrail.dev/approvals annotation cannot be read: digest")
	})
	t.Run("the spec changed after approval", func(t *testing.T) {
		d := deployment("prod")
		approve(t, d, "CHG-1", hourAgo, s.bob)
		container(d)["image"] = "registry.acme.test/web:1.3.0"
		res := lint(t, pol, nil, d)
		expect(t, res, `GR-APPR-002 deny does not match the change: spec.template.spec.containers[0].image is "registry.acme.test/web:1.3.0", the approved manifest has "registry.acme.test/web:1.2.0"`)
		if f := approvalFindings(res)[0]; f.Path != `metadata.annotations."guardrail.dev/approvals"` {
			t.Errorf("finding at %q, want the approvals annotation", f.Path)
		}
	})
	t.Run("an approval of an object elsewhere", func(t *testing.T) {
		d := deployment("prod-a")
		approve(t, deployment("prod-b"), "CHG-1", hourAgo, s.bob)
		c := approve(t, deployment("prod-b"), "CHG-1", hourAgo, s.bob)
		value, _ := approval.EncodeChange(c)
		withAnnotation(d, "guardrail.dev/approvals", value)
		expect(t, lint(t, pol, nil, d), `GR-APPR-002 deny metadata.namespace is "prod-a", the approved manifest has "prod-b"`)
	})
	t.Run("the same manifest spelled differently still matches", func(t *testing.T) {
		d := deployment("prod")
		approve(t, d, "CHG-1", hourAgo, s.bob)
		container(d)["resources"] = map[string]any{"requests": map[string]any{"cpu": "500m"}}
		d["spec"].(map[string]any)["replicas"] = 3.0
		container(d)["ports"].([]any)[0].(map[string]any)["hostPort"] = 0
		expect(t, lint(t, pol, nil, d))
	})
	t.Run("the author approving their own change", func(t *testing.T) {
		d := withAnnotation(deployment("prod"), "guardrail.dev/author", "ALICE@acme.test")
		approve(t, d, "CHG-1", hourAgo, s.alice)
		expect(t, lint(t, pol, nil, d), "GR-APPR-003 deny alice@acme.test approved their own change: alice@acme.test is its author")
		// The CLI's --author names the author too.
		d = deployment("prod")
		approve(t, d, "CHG-1", hourAgo, s.alice)
		expect(t, lint(t, pol, &approval.Context{Author: " alice@ACME.test"}, d), "GR-APPR-003 deny is its author")
	})
	t.Run("the deployer approving the change they deploy", func(t *testing.T) {
		d := deployment("prod")
		approve(t, d, "CHG-1", hourAgo, s.bob)
		expect(t, lint(t, pol, &approval.Context{Deployer: "Bob@acme.test"}, d), "GR-APPR-003 deny bob@acme.test is the deployer")
		expect(t, lint(t, pol, &approval.Context{Deployer: "ci@acme.test"}, d))
	})
	t.Run("signers limited to environments and namespaces", func(t *testing.T) {
		d := deployment("prod")
		approve(t, d, "CHG-1", hourAgo, s.dana)
		expect(t, lint(t, pol, nil, d), "GR-APPR-004 deny dana@acme.test may approve changes in staging only, not in prod")
	})
	t.Run("expired, too old, from the future, or with no valid time", func(t *testing.T) {
		old := policyOf(t, s, "    maxAge: 2h\n")
		d := deployment("prod")
		approve(t, d, "CHG-1", now.Add(-3*time.Hour), s.bob)
		expect(t, lint(t, old, nil, d), "GR-APPR-005 deny longer ago than the policy's maximum age of 2h (spec.approval.maxAge)")

		d = deployment("prod")
		c, _ := approval.ForObject(d, "prod", "guardrail.dev/")
		if err := c.Add(approval.NewApproval(s.bob.Identity, "CHG-1", now.Add(-2*time.Hour), time.Hour), s.bob); err != nil {
			t.Fatal(err)
		}
		value, _ := approval.EncodeChange(c)
		expect(t, lint(t, pol, nil, withAnnotation(d, "guardrail.dev/approvals", value)), "GR-APPR-005 deny the approval by bob@acme.test expired at 2026-11-23T11:00:00Z")

		d = deployment("prod")
		approve(t, d, "CHG-1", now.Add(time.Hour), s.bob)
		expect(t, lint(t, pol, nil, d), "GR-APPR-005 deny is dated 2026-11-23T13:00:00Z, in the future")

		// Deployed objects (the audit) were judged current when admitted.
		d = deployment("prod")
		approve(t, d, "CHG-1", now.Add(-3*time.Hour), s.bob)
		expect(t, lint(t, old, &approval.Context{Deployed: true, Admitted: true}, d))
	})
	t.Run("tickets", func(t *testing.T) {
		for ticket, want := range map[string]string{
			"":        "GR-APPR-006 deny the approval by bob@acme.test names no change ticket",
			"chg-1":   `GR-APPR-006 deny names change ticket "chg-1", which does not match the policy's pattern CHG-[0-9]+`,
			"X-CHG-1": `GR-APPR-006 deny "X-CHG-1"`,
		} {
			d := deployment("prod")
			approve(t, d, ticket, hourAgo, s.bob)
			expect(t, lint(t, pol, nil, d), want)
		}
	})
	t.Run("distinct approvers, one person however many keys", func(t *testing.T) {
		two := policyOf(t, s, "    approvers: 2\n    allowedSigners:\n    - "+s.bob.YAML()+"\n    - "+s.carol.YAML()+
			"\n    - {identity: BOB@acme.test, keys: ['"+s.mallory.AuthorizedKey+"']}\n")
		d := deployment("prod")
		approve(t, d, "CHG-1", hourAgo, s.bob, s.mallory)
		expect(t, lint(t, two, nil, d), "GR-APPR-007 deny 1 distinct independent approver (bob@acme.test), the policy requires 2")
		d = deployment("prod")
		approve(t, d, "CHG-1", hourAgo, s.bob, s.carol)
		expect(t, lint(t, two, nil, d))
		// One key listed for two identities makes them one person.
		shared := policyOf(t, s, "    approvers: 2\n    allowedSigners:\n    - "+s.bob.YAML()+
			"\n    - {identity: bobby@acme.test, keys: ['"+s.bob.AuthorizedKey+"']}\n")
		d = deployment("prod")
		c := approve(t, d, "CHG-1", hourAgo, s.bob)
		if err := c.Add(approval.NewApproval("bobby@acme.test", "CHG-1", hourAgo, 0), s.bob); err != nil {
			t.Fatal(err)
		}
		value, _ := approval.EncodeChange(c)
		expect(t, lint(t, shared, nil, withAnnotation(d, "guardrail.dev/approvals", value)), "GR-APPR-007 deny 1 distinct independent approver")
	})
	t.Run("unsigned approvals", func(t *testing.T) {
		d := deployment("prod")
		c, _ := approval.ForObject(d, "prod", "guardrail.dev/")
		if err := c.Add(approval.NewApproval("carol@acme.test", "CHG-1", hourAgo, 0), nil); err != nil {
			t.Fatal(err)
		}
		value, _ := approval.EncodeChange(c)
		withAnnotation(d, "guardrail.dev/approvals", value)
		expect(t, lint(t, pol, nil, d), "GR-APPR-004 deny the approval by carol@acme.test is not signed, and the policy accepts only signed approvals")
		expect(t, lint(t, policyOf(t, s, "    allowUnsigned: true\n"), nil, d), "GR-APPR-009 warn the approval by carol@acme.test is not signed")
	})
	t.Run("break glass", func(t *testing.T) {
		bg := policyOf(t, s, "    breakGlass: {identities: [oncall@acme.test]}\n")
		d := withAnnotation(deployment("prod"), "guardrail.dev/break-glass", "INC-9: checkout is down")
		res := lint(t, bg, &approval.Context{Deployer: "OnCall@acme.test"}, d)
		expect(t, res, `GR-APPR-008 warn break-glass: OnCall@acme.test deployed the prod change to Deployment/prod/web without approval, giving the reason "INC-9: checkout is down"`)
		if f := approvalFindings(res)[0]; f.Severity != policy.High {
			t.Errorf("break-glass reported at %s, want high", f.Severity)
		}
		for _, f := range approvalFindings(res) {
			if f.Fails(policy.Low) {
				t.Errorf("a break-glass deploy fails the run: %s", f.Message)
			}
		}
		// The policy can make it deny, but not lower it or silence it.
		strict := policyOf(t, s, "    breakGlass: {identities: [oncall@acme.test]}\n", "  rules:\n    GR-APPR-008: {severity: low, mode: deny}\n")
		res = lint(t, strict, &approval.Context{Deployer: "oncall@acme.test"}, d)
		expect(t, res, "GR-APPR-008 deny break-glass")
		off := policyOf(t, s, "    breakGlass: {identities: [oncall@acme.test]}\n", "  rules:\n    GR-APPR-*: {mode: off}\n")
		expect(t, lint(t, off, &approval.Context{Deployer: "oncall@acme.test"}, d), "GR-APPR-008 warn break-glass")
		// Without the reason the policy requires, it is refused.
		expect(t, lint(t, bg, &approval.Context{Deployer: "oncall@acme.test"}, deployment("prod")),
			"GR-APPR-008 deny oncall@acme.test may break glass, but gave no reason (the guardrail.dev/break-glass annotation)",
			"GR-APPR-001 deny has no approval")
		// Only the listed identities break glass.
		expect(t, lint(t, bg, &approval.Context{Deployer: "dev@acme.test"}, d), "GR-APPR-001 deny has no approval")
	})
	t.Run("the policy's annotation prefix", func(t *testing.T) {
		p := policyOf(t, s, "    annotationPrefix: change.example.com/\n")
		d := deployment("prod")
		c, _ := approval.ForObject(d, "prod", "change.example.com/")
		if err := c.Add(s.bob.Approval("CHG-1", hourAgo), s.bob); err != nil {
			t.Fatal(err)
		}
		if err := approval.Annotate(d, "change.example.com/", c); err != nil {
			t.Fatal(err)
		}
		expect(t, lint(t, p, nil, d))
		expect(t, lint(t, pol, nil, d), "GR-APPR-001 deny no guardrail.dev/approvals annotation")
	})
	t.Run("rules switched off", func(t *testing.T) {
		expect(t, lint(t, policyOf(t, s, "", "  rules:\n    GR-APPR-*: {mode: off}\n"), nil, deployment("prod")))
	})
}

func TestSignatureProblems(t *testing.T) {
	s := newSigners(t)
	pol := policyOf(t, s, "")
	hourAgo := now.Add(-time.Hour)

	d := deployment("prod")
	approve(t, d, "CHG-1", hourAgo, s.mallory)
	expect(t, lint(t, pol, nil, d), "GR-APPR-004 deny which no allowed signer lists")

	// Carol's key, claiming to be bob.
	d = deployment("prod")
	c, _ := approval.ForObject(d, "prod", "guardrail.dev/")
	if err := c.Add(approval.NewApproval("bob@acme.test", "CHG-1", hourAgo, 0), s.carol); err != nil {
		t.Fatal(err)
	}
	value, _ := approval.EncodeChange(c)
	expect(t, lint(t, pol, nil, withAnnotation(d, "guardrail.dev/approvals", value)), "GR-APPR-004 deny names bob@acme.test as approver but is signed with a key of carol@acme.test")

	// A ticket, time or expiry changed after signing.
	for _, tamper := range []func(a *approval.Approval){
		func(a *approval.Approval) { a.Ticket = "CHG-2" },
		func(a *approval.Approval) { a.Time = approval.FormatTime(hourAgo.Add(time.Minute)) },
		func(a *approval.Approval) { a.Expires = approval.FormatTime(now.Add(time.Hour)) },
	} {
		d = deployment("prod")
		c := approve(t, d, "CHG-1", hourAgo, s.bob)
		tamper(&c.Approvals[0])
		value, _ := approval.EncodeChange(c)
		expect(t, lint(t, pol, nil, withAnnotation(d, "guardrail.dev/approvals", value)), "GR-APPR-004 deny the signature of the approval by bob@acme.test does not verify")
	}

	// A signature for another namespace (ssh-keygen -n file).
	d = deployment("prod")
	c = approve(t, d, "CHG-1", hourAgo, s.bob)
	c.Approvals[0].Signature = "-----BEGIN SSH SIGNATURE-----\nU1NIU0lH\n-----END SSH SIGNATURE-----\n"
	value, _ = approval.EncodeChange(c)
	expect(t, lint(t, pol, nil, withAnnotation(d, "guardrail.dev/approvals", value)), "GR-APPR-004 deny the signature cannot be read")

	// Environment and namespace limits.
	scoped := policyOf(t, s, "    allowedSigners:\n    - {identity: dana@acme.test, keys: ['"+s.dana.AuthorizedKey+"'], namespaces: [prod-payments]}\n")
	for ns, want := range map[string]string{
		"prod-payments": "",
		"prod-orders":   "GR-APPR-004 deny dana@acme.test may approve changes in namespaces prod-payments only, not in prod-orders",
	} {
		d := deployment(ns)
		approve(t, d, "CHG-1", hourAgo, s.dana)
		if want == "" {
			expect(t, lint(t, scoped, nil, d))
		} else {
			expect(t, lint(t, scoped, nil, d), want)
		}
	}
}

// plan writes a plan of prod and dev changes.
func plan(image string) string {
	return ruletest.Plan(
		ruletest.Change{Address: "aws_instance.web", After: map[string]any{"ami": image, "tags": map[string]any{"Environment": "prod"}},
			Unknown: map[string]any{"id": true}},
		ruletest.Change{Address: "aws_db_instance.old", Actions: []string{"delete"}, Before: map[string]any{"tags": map[string]any{"Environment": "prod"}}},
		ruletest.Change{Address: "aws_instance.same", Actions: []string{"no-op"}, Before: map[string]any{"ami": "a", "tags": map[string]any{"Environment": "prod"}},
			After: map[string]any{"ami": "a", "tags": map[string]any{"Environment": "prod"}}},
		ruletest.Change{Address: "aws_instance.dev", After: map[string]any{"ami": "ami-dev", "tags": map[string]any{"Environment": "dev"}}},
	)
}

func lintPlan(t *testing.T, pol *policy.Policy, text string, ctx *approval.Context) *engine.Result {
	t.Helper()
	return lintPlanNamed(t, "prod.plan.json", pol, text, ctx)
}

func lintPlanNamed(t *testing.T, name string, pol *policy.Policy, text string, ctx *approval.Context) *engine.Result {
	t.Helper()
	set, err := tfplan.Load(name, []byte(text), tfplan.Options{})
	if err != nil || set.Diagnostics.HasErrors() {
		t.Fatalf("load: %v %v", err, set.Diagnostics.Errs())
	}
	res, err := engine.Evaluate(context.Background(), pol, set, engine.Options{Now: now, Approval: ctx})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// approvePlan approves the plan's changes in scope as `guardrail approve` does.
func approvePlan(t *testing.T, pol *policy.Policy, text string, by *approvaltest.Signer) approval.Change {
	t.Helper()
	res := lintPlan(t, pol, text, nil)
	subjects := approval.Subjects(pol, res.Index, res.Index.Resources())
	if len(subjects) != 1 {
		t.Fatalf("%d subjects, want the plan", len(subjects))
	}
	var addrs []string
	for _, r := range subjects[0].Resources {
		addrs = append(addrs, r.Address)
	}
	if strings.Join(addrs, " ") != "aws_db_instance.old aws_instance.web" {
		t.Errorf("changes in scope: %v, want the prod create and delete", addrs)
	}
	c, err := approval.ForSubject(subjects[0])
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Add(by.Approval("CHG-3", now.Add(-time.Hour)), by); err != nil {
		t.Fatal(err)
	}
	return c
}

func TestPlanApprovals(t *testing.T) {
	s := newSigners(t)
	pol := policyOf(t, s, "")
	text := plan("ami-1")

	res := lintPlan(t, pol, text, nil)
	expect(t, res,
		"GR-APPR-001 deny this prod change of plan prod.plan.json has no approval: no approvals file names the digest of the plan's changes, sha256:",
		"GR-APPR-001 deny this prod change of plan prod.plan.json has no approval")
	addrs := map[string]bool{}
	for _, f := range approvalFindings(res) {
		addrs[f.Subject.Address] = true
	}
	if !addrs["aws_db_instance.old"] || !addrs["aws_instance.web"] || len(addrs) != 2 {
		t.Errorf("GR-APPR-001 on %v, want the prod create and the prod delete", addrs)
	}

	c := approvePlan(t, pol, text, s.bob)
	file, _ := approval.EncodeFile(approval.File{Changes: []approval.Change{c}})
	parsed, err := approval.ParseFile(file)
	if err != nil {
		t.Fatal(err)
	}
	expect(t, lintPlan(t, pol, text, &approval.Context{Changes: parsed.Changes}))
	expect(t, lintPlan(t, pol, text, &approval.Context{Changes: parsed.Changes, Deployer: "bob@acme.test"}),
		"GR-APPR-003 deny bob@acme.test is the deployer", "GR-APPR-003 deny bob@acme.test is the deployer")

	// A different plan: the approval does not carry over.
	other := plan("ami-2")
	expect(t, lintPlan(t, pol, other, &approval.Context{Changes: parsed.Changes}),
		"GR-APPR-002 deny this plan's changes digest is", "GR-APPR-002 deny the change was modified after it was approved")

	// A break-glass entry by a break-glass identity stands in for the approval, reported.
	bg := policyOf(t, s, "    breakGlass: {identities: [carol@acme.test]}\n")
	c = approvePlan(t, bg, text, s.bob)
	c.Approvals = nil
	entry := approval.NewApproval("carol@acme.test", "", now.Add(-time.Minute), 0)
	entry.BreakGlass = "INC-3: database full"
	if err := c.Add(entry, s.carol); err != nil {
		t.Fatal(err)
	}
	expect(t, lintPlan(t, bg, text, &approval.Context{Changes: []approval.Change{c}}),
		`GR-APPR-008 warn break-glass: carol@acme.test deployed the prod change to plan prod.plan.json without approval, giving the reason "INC-3: database full"`,
		`GR-APPR-008 warn break-glass: carol@acme.test`)
	entry.Approver = "bob@acme.test"
	c.Approvals = nil
	if err := c.Add(entry, s.bob); err != nil {
		t.Fatal(err)
	}
	expect(t, lintPlan(t, bg, text, &approval.Context{Changes: []approval.Change{c}}),
		"GR-APPR-008 deny bob@acme.test may not break glass", "GR-APPR-008 deny bob@acme.test may not break glass")

	// Another plan file is another change: no approval, not a wrong one.
	expect(t, lintPlanNamed(t, "envs/prod/other.plan.json", pol, other, &approval.Context{Changes: parsed.Changes}),
		"GR-APPR-001 deny this prod change of plan envs/prod/other.plan.json has no approval", "GR-APPR-001 deny")
	// The same plan file read from elsewhere is the same change.
	expect(t, lintPlanNamed(t, "ci/prod.plan.json", pol, other, &approval.Context{Changes: parsed.Changes}),
		"GR-APPR-002 deny the change was modified after it was approved", "GR-APPR-002 deny")

	// Changes out of scope do not change the digest.
	withDev := strings.Replace(text, "ami-dev", "ami-dev-2", 1)
	expect(t, lintPlan(t, pol, withDev, &approval.Context{Changes: parsed.Changes}))
}

func TestPlanDigestIsDocumented(t *testing.T) {
	// The canonical form of a plan, as docs/approvals.md describes it.
	s := newSigners(t)
	pol := policyOf(t, s, "")
	res := lintPlan(t, pol, plan("ami-1"), nil)
	subjects := approval.Subjects(pol, res.Index, res.Index.Resources())
	want := `[{"action":"delete","address":"aws_db_instance.old","after":null},` +
		`{"action":"create","address":"aws_instance.web","after":{"ami":"ami-1","id":{"$unknown":true},"tags":{"Environment":"prod"}}}]`
	_, canonical, err := approval.PlanDigest(subjects[0].Resources)
	if err != nil {
		t.Fatal(err)
	}
	if got := string(canonical); got != want {
		t.Errorf("canonical plan\n got %s\nwant %s", got, want)
	}
	var v any
	if err := json.Unmarshal([]byte(want), &v); err != nil {
		t.Fatal(err)
	}
	if d, _ := approval.Digest(v); d != subjects[0].Digest {
		t.Errorf("digest %s, want %s", subjects[0].Digest, d)
	}
}
