package report

import (
	"testing"

	"github.com/guardrail-dev/guardrail/pkg/engine"
	"github.com/guardrail-dev/guardrail/pkg/policy"
	"github.com/guardrail-dev/guardrail/pkg/resource"
	"github.com/guardrail-dev/guardrail/pkg/rule"
	"github.com/guardrail-dev/guardrail/pkg/rules"
)

// repo is where the rich result's inputs live; the SARIF, JUnit and GitHub
// reports make paths relative to it.
const repo = "/src/acme-infra"

// newFinding returns a deny finding of rule id with the rule's own metadata,
// as rule.Pass reports it, changed by mods.
func newFinding(t testing.TB, id string, mods ...func(*rule.Finding)) rule.Finding {
	t.Helper()
	r, ok := rules.Default().Lookup(id)
	if !ok {
		t.Fatalf("no rule %s in the default registry", id)
	}
	f := rule.Finding{
		RuleID: r.ID, Title: r.Title, Control: r.Control, Severity: r.Severity, Mode: policy.Deny,
		Remediation: r.Remediation, Docs: r.DocsURL(),
	}
	for _, c := range r.Clauses {
		f.Clauses = append(f.Clauses, c.ID)
	}
	for _, m := range mods {
		m(&f)
	}
	return f
}

func at(file string, line, col int) func(*rule.Finding) {
	return func(f *rule.Finding) { f.Location = resource.Location{File: file, Line: line, Column: col} }
}

func subject(s rule.Subject) func(*rule.Finding) {
	return func(f *rule.Finding) { f.Subject = s }
}

func message(m string) func(*rule.Finding) { return func(f *rule.Finding) { f.Message = m } }

const networkTF = `resource "aws_security_group" "bastion" {
  name        = "bastion"
  description = "Bastion host"

  ingress {
    description = "SSH"
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_security_group" "db" {
  name = "db"

  # guardrail:waive GR-PORT-002 owner=alice@example.com ticket=SEC-142 expires=2026-12-31
  #   reason="Reachable only through the SSM tunnel; reviewed by security"
  ingress {
    from_port   = 5432
    to_port     = 5432
    cidr_blocks = ["0.0.0.0/0"]
  }
}
`

// emptyResult is a clean run over no resources with the full rule catalogue.
func emptyResult() *engine.Result {
	return &engine.Result{Policy: "default", Rules: rules.Default().Rules()}
}

func emptyOptions() Options { return Options{} }

// richResult holds one of every kind of thing a report shows.
func richResult(t testing.TB) *engine.Result {
	net := repo + "/infra/network/main.tf"
	findings := []rule.Finding{
		// Cannot be decided statically, reported in warn mode as the default policy does.
		newFinding(t, "GR-TLS-002",
			at(repo+"/infra/edge/main.tf", 7, 3),
			subject(rule.Subject{Address: "aws_lb_listener.https", Type: "aws_lb_listener", Name: "https",
				Format: resource.FormatTerraform, Env: "prod", EnvSource: "path", Unit: "infra/edge"}),
			message("cannot be decided statically: ssl_policy: the value is unknown until apply"),
			func(f *rule.Finding) {
				f.Undecidable, f.Mode, f.Severity, f.Path = true, policy.Warn, policy.Medium, "ssl_policy"
			}),
		// Deny, critical, with a source snippet.
		newFinding(t, "GR-PORT-001",
			at(net, 10, 19),
			subject(rule.Subject{Address: "aws_security_group.bastion", Type: "aws_security_group", Name: "bastion",
				Format: resource.FormatTerraform, Env: "prod", EnvSource: "path", Unit: "infra/network"}),
			message("Ingress rule opens port 22 (SSH) to 0.0.0.0/0."),
			func(f *rule.Finding) { f.Path = "ingress[0].cidr_blocks" }),
		// Waived inline.
		newFinding(t, "GR-PORT-002",
			at(net, 22, 19),
			subject(rule.Subject{Address: "aws_security_group.db", Type: "aws_security_group", Name: "db",
				Format: resource.FormatTerraform, Env: "prod", EnvSource: "path", Unit: "infra/network"}),
			message("Ingress rule opens port 5432 (PostgreSQL) to 0.0.0.0/0."),
			func(f *rule.Finding) {
				f.Path = "ingress[0].cidr_blocks"
				f.Waiver = &rule.AppliedWaiver{Source: "inline", Reason: "Reachable only through the SSM tunnel; reviewed by security",
					Expires: "2026-12-31", Owner: "alice@example.com", Ticket: "SEC-142",
					Location: resource.Location{File: net, Line: 17, Column: 3}}
			}),
		// Warn mode.
		newFinding(t, "GR-TLS-006",
			at(repo+"/infra/storage/main.tf", 3, 1),
			subject(rule.Subject{Address: "aws_s3_bucket.logs", Type: "aws_s3_bucket", Name: "logs",
				Format: resource.FormatTerraform, Env: "staging", EnvSource: "label", Unit: "infra/storage"}),
			message("The bucket policy does not deny requests made without TLS (aws:SecureTransport)."),
			func(f *rule.Finding) { f.Mode = policy.Warn }),
		// Waived by the policy file, with an approval.
		newFinding(t, "GR-SEG-002",
			at(repo+"/k8s/legacy.yaml", 1, 1),
			subject(rule.Subject{Address: "ConfigMap/legacy/settings", Type: "ConfigMap", Name: "settings", Namespace: "legacy",
				Format: resource.FormatKubernetes, Unit: "k8s/legacy.yaml"}),
			message("ConfigMap/legacy/settings belongs to no known environment."),
			func(f *rule.Finding) {
				f.Waiver = &rule.AppliedWaiver{Source: "policy", Reason: "The legacy namespace is retired in Q3",
					Expires: "2026-09-30", Owner: "platform-team", ApprovedBy: []string{"bob@example.com"},
					Location: resource.Location{File: repo + "/guardrail.yaml", Line: 40, Column: 7}}
			}),
		// Kubernetes, third document of the file.
		newFinding(t, "GR-PORT-005",
			func(f *rule.Finding) {
				f.Location = resource.Location{File: repo + "/k8s/payments.yaml", Line: 48, Column: 15, Document: 2}
			},
			subject(rule.Subject{Address: "Deployment/payments/api", Type: "Deployment", Name: "api", Namespace: "payments",
				Format: resource.FormatKubernetes, Env: "prod", EnvSource: "namespace", Unit: "k8s/payments.yaml"}),
			message(`Container "api" binds host port 8443.`),
			func(f *rule.Finding) { f.Path = "spec.template.spec.containers[0].ports[0].hostPort" }),
		// No line or column; deny, below the high threshold.
		newFinding(t, "GR-PORT-010",
			at(repo+"/plans/prod.tfplan.json", 0, 0),
			subject(rule.Subject{Address: "aws_instance.web[0]", Type: "aws_instance", Name: "web",
				Format: resource.FormatPlan, Env: "prod", EnvSource: "workspace", Unit: "plans/prod.tfplan.json"}),
			message("The instance is given a public IP address (associate_public_ip_address = true)."),
			func(f *rule.Finding) { f.Path = "associate_public_ip_address" }),
	}
	return &engine.Result{
		Policy:   "acme-production",
		Findings: findings,
		Diagnostics: resource.Diagnostics{
			resource.ErrorAt(resource.Location{File: repo + "/infra/broken/main.tf", Line: 7, Column: 1},
				"Unsupported block type", `Blocks of type "resourse" are not expected here. Did you mean "resource"?`),
			resource.WarningAt(resource.Location{File: repo + "/k8s/payments.yaml", Line: 120, Column: 1},
				"Unknown kind", "FooBar (example.com/v1) is not a kind guardrail judges; the object was skipped."),
		},
		Rules:        rules.Default().Rules(),
		Resources:    8,
		Environments: map[string]int{"prod": 5, "staging": 2, "": 1},
	}
}

func richOptions() Options {
	return Options{
		Sources:     map[string][]byte{repo + "/infra/network/main.tf": []byte(networkTF)},
		ToolVersion: "1.4.0",
		BaseDir:     repo,
		MinSeverity: policy.High,
	}
}
