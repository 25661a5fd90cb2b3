package approval_test

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/guardrail-dev/guardrail/pkg/approval"
	"github.com/guardrail-dev/guardrail/pkg/engine"
	"github.com/guardrail-dev/guardrail/pkg/load/manifest"
	"github.com/guardrail-dev/guardrail/pkg/policy"
)

// A Deployment approved by Bob, signed with his key, verified as the
// linter and the webhook verify it: deployed by Bob himself it does not
// count; deployed by CI it does, until the manifest is changed.
func Example() {
	// Bob's key (ssh-keygen -t ed25519), and the policy listing it.
	_, private, _ := ed25519.GenerateKey(nil)
	bob, _ := ssh.NewSignerFromKey(private)
	doc := policy.Default()
	doc.Spec.Approval.AllowedSigners = []policy.Signer{{
		Identity: "bob@acme.com", Keys: []string{string(ssh.MarshalAuthorizedKey(bob.PublicKey()))},
	}}
	pol := policy.MustCompile(doc)

	deployment := func(image string) map[string]any {
		return map[string]any{"apiVersion": "apps/v1", "kind": "Deployment",
			"metadata": map[string]any{"name": "web", "namespace": "prod"},
			"spec": map[string]any{"selector": map[string]any{"matchLabels": map[string]any{"app": "web"}},
				"template": map[string]any{"metadata": map[string]any{"labels": map[string]any{"app": "web"}},
					"spec": map[string]any{"containers": []any{map[string]any{"name": "web", "image": image}}}}}}
	}

	// guardrail approve: the change's digest and manifest, Bob's signed approval.
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	obj := deployment("web:1")
	change, _ := approval.ForObject(obj, "prod", "guardrail.dev/")
	_ = change.Add(approval.NewApproval("bob@acme.com", "CHG-1234", now.Add(-time.Hour), 72*time.Hour), bob)
	_ = approval.Annotate(obj, "guardrail.dev/", change)

	verify := func(obj map[string]any, deployer string) {
		set := manifest.Object("web.yaml", obj, manifest.Options{})
		res, _ := engine.Evaluate(context.Background(), pol, set, engine.Options{Now: now,
			Approval: &approval.Context{Deployer: deployer}})
		v := res.Approvals.Of(set.Resources[0])
		if v.Approved {
			fmt.Printf("deployed by %s: approved by %s\n", deployer, v.Approvers[0][0])
			return
		}
		fmt.Printf("deployed by %s: not approved: %s\n", deployer, v.Problem)
	}
	verify(obj, "bob@acme.com")
	verify(obj, "ci@acme.com")

	edited := deployment("web:2")
	edited["metadata"] = obj["metadata"]
	verify(edited, "ci@acme.com")
	// Output:
	// deployed by bob@acme.com: not approved: bob@acme.com approved the change they are deploying: bob@acme.com is the deployer
	// deployed by ci@acme.com: approved by bob@acme.com
	// deployed by ci@acme.com: not approved: the approval (sha256:45c4b8d4062d...) does not match the change: spec.template.spec.containers[0].image is "web:2", the approved manifest has "web:1"
}
