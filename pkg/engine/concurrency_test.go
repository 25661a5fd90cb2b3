package engine_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/guardrail-dev/guardrail/pkg/engine"
	"github.com/guardrail-dev/guardrail/pkg/load"
	"github.com/guardrail-dev/guardrail/pkg/policy"
	"github.com/guardrail-dev/guardrail/pkg/resource"
	"github.com/guardrail-dev/guardrail/pkg/rule"
)

// estate writes and loads 2,000 resources: security groups (some waived,
// some with stale or invalid waivers), databases in two modules' worth of
// files, and privileged Deployments, so that every kind of finding, waiver
// bookkeeping included, is in the result.
func estate(t testing.TB) *resource.Set {
	t.Helper()
	dir := t.TempDir()
	var tf [4]strings.Builder
	for i := 0; i < 1400; i++ {
		b := &tf[i%4]
		env := []string{"prod", "staging", "dev"}[i%3]
		switch {
		case i%10 == 0:
			b.WriteString("# guardrail:ignore GR-PORT-001 reason=\"bastion\" expires=2027-01-31\n")
		case i%10 == 1:
			b.WriteString("# guardrail:ignore GR-TLS-001 reason=\"stale\"\n")
		case i%10 == 2:
			b.WriteString("# guardrail:ignore GR-PORT-001\n")
		}
		if i%2 == 0 {
			fmt.Fprintf(b, `resource "aws_security_group" "sg%d" {
  name = "sg%d"
  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
  tags = { Environment = %q }
}
`, i, i, env)
		} else {
			fmt.Fprintf(b, `resource "aws_db_instance" "db%d" {
  identifier          = "db%d"
  publicly_accessible = true
  skip_final_snapshot = true
  tags                = { Environment = %q }
}
`, i, i, env)
		}
	}
	for i := range tf {
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("part%d.tf", i)), []byte(tf[i].String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var k8s strings.Builder
	for i := 0; i < 600; i++ {
		fmt.Fprintf(&k8s, `---
apiVersion: apps/v1
kind: Deployment
metadata: {name: app%d, namespace: %s}
spec:
  template:
    spec:
      hostPID: %v
      containers:
      - name: app
        image: app:1
        securityContext: {privileged: true}
`, i, []string{"prod", "staging"}[i%2], i%3 == 0)
	}
	if err := os.WriteFile(filepath.Join(dir, "apps.yaml"), []byte(k8s.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	set, err := load.Load(context.Background(), []string{dir}, load.Options{})
	if err != nil || set.Diagnostics.HasErrors() {
		t.Fatalf("load: %v %v", err, set.Diagnostics.Errs())
	}
	if len(set.Resources) != 2000 {
		t.Fatalf("loaded %d resources, want 2000", len(set.Resources))
	}
	return set
}

func TestDeterministicAcrossWorkers(t *testing.T) {
	if testing.Short() {
		t.Skip("2,000 resources")
	}
	set := estate(t)
	p := policy.MustCompile(policy.Default())
	run := func(workers int) []rule.Finding {
		res, err := engine.Evaluate(context.Background(), p, set, engine.Options{Now: now, Workers: workers, ReportUnusedWaivers: true})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Diagnostics) > 0 {
			t.Fatalf("diagnostics: %v", res.Diagnostics)
		}
		return res.Findings
	}
	want := run(1)
	counts := map[string]int{}
	for _, f := range want {
		counts[f.RuleID]++
	}
	for _, id := range []string{"GR-PORT-001", "GR-ADMIN-003", "GR-WAIVE-001", "GR-WAIVE-003"} {
		if counts[id] == 0 {
			t.Fatalf("the estate produced no %s finding; findings by rule: %v", id, counts)
		}
	}
	for i := 1; i < len(want); i++ {
		a, b := want[i-1].Location, want[i].Location
		if a.File > b.File || a.File == b.File && (a.Document > b.Document || a.Document == b.Document && a.Line > b.Line) {
			t.Fatalf("findings %d and %d are out of order: %s then %s", i-1, i, a, b)
		}
	}
	for _, workers := range []int{8, 8, 2, 0} {
		got := run(workers)
		if len(got) != len(want) {
			t.Fatalf("Workers %d: %d findings, Workers 1: %d", workers, len(got), len(want))
		}
		for i := range want {
			if !reflect.DeepEqual(got[i], want[i]) {
				t.Fatalf("Workers %d: finding %d differs:\n got  %s %s %s %s\n want %s %s %s %s", workers, i,
					got[i].RuleID, got[i].Subject.Address, got[i].Location, got[i].Message,
					want[i].RuleID, want[i].Subject.Address, want[i].Location, want[i].Message)
			}
		}
	}
}

func TestContextCancellation(t *testing.T) {
	slow := testRule("GR-TEST-001", policy.Low, func(p *rule.Pass, r *resource.Resource) {
		time.Sleep(2 * time.Millisecond)
		always(p, r)
	})
	reg := rule.MustRegistry(slow)
	p := mustPolicy(t, "")
	set := func(n int) *resource.Set {
		s := &resource.Set{}
		for i := 0; i < n; i++ {
			s.Resources = append(s.Resources, thing(fmt.Sprintf("r%d", i), "prod", i+1))
		}
		return s
	}
	t.Run("cancelled before", func(t *testing.T) {
		for _, n := range []int{10, 1000} {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			res, err := engine.Evaluate(ctx, p, set(n), engine.Options{Registry: reg, Now: now})
			if !errors.Is(err, context.Canceled) || res != nil {
				t.Errorf("%d resources: got %v, %v; want context.Canceled", n, res, err)
			}
		}
	})
	// 2,000 resources at 2ms each take 4s or more; cancelled after 50ms the
	// evaluation must stop early, whatever the number of workers.
	for _, workers := range []int{1, 4} {
		t.Run(fmt.Sprintf("cancelled during, %d workers", workers), func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
			defer cancel()
			start := time.Now()
			res, err := engine.Evaluate(ctx, p, set(2000), engine.Options{Registry: reg, Now: now, Workers: workers})
			if !errors.Is(err, context.DeadlineExceeded) || res != nil {
				t.Errorf("got %v, %v; want context.DeadlineExceeded", res, err)
			}
			if d := time.Since(start); d > 2*time.Second {
				t.Errorf("the evaluation stopped after %v", d)
			}
		})
	}
}

// BenchmarkEvaluate measures one evaluation of the 2,000-resource estate.
func BenchmarkEvaluate(b *testing.B) {
	set := estate(b)
	p := policy.MustCompile(policy.Default())
	for _, workers := range []int{1, 0} {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			for b.Loop() {
				if _, err := engine.Evaluate(context.Background(), p, set, engine.Options{Now: now, Workers: workers}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
