package guardrailtest_test

import (
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/guardrail-dev/guardrail/pkg/guardrail"
	"github.com/guardrail-dev/guardrail/pkg/guardrailtest"
	"github.com/guardrail-dev/guardrail/pkg/policy"
)

// recorder is a testing.TB that records failures instead of failing.
type recorder struct {
	testing.TB
	mu     sync.Mutex
	errors []string
	fatal  bool
}

func (r *recorder) Helper() {}

func (r *recorder) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}

func (r *recorder) Fatalf(format string, args ...any) {
	r.Errorf(format, args...)
	r.fatal = true
	runtime.Goexit()
}

func (r *recorder) failed() bool { return len(r.errors) > 0 }

func (r *recorder) text() string { return strings.Join(r.errors, "\n") }

// record runs fn with a recorder, as a test function runs, so that Fatalf
// ends fn alone.
func record(t *testing.T, fn func(tb testing.TB)) *recorder {
	rec := &recorder{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn(rec)
	}()
	<-done
	return rec
}

func TestLint(t *testing.T) {
	t.Parallel()
	if rec := record(t, func(tb testing.TB) { guardrailtest.Lint(tb, []string{"testdata/clean"}) }); rec.failed() {
		t.Errorf("a clean input failed:\n%s", rec.text())
	}
	// Waived and undecidable findings do not fail at the default settings.
	if rec := record(t, func(tb testing.TB) { guardrailtest.Lint(tb, []string{"testdata/waived", "testdata/unknown"}) }); rec.failed() {
		t.Errorf("waived and undecidable findings failed:\n%s", rec.text())
	}
	rec := record(t, func(tb testing.TB) { guardrailtest.Lint(tb, []string{"testdata/open-ssh"}) })
	if !rec.failed() || rec.fatal {
		t.Fatalf("an open SSH port did not fail the test (fatal %v)", rec.fatal)
	}
	for _, want := range []string{
		"guardrail: testdata/open-ssh break the policy:",
		"CRITICAL GR-PORT-001 Administration ports are not open to the world",
		"at testdata/open-ssh/main.tf:5:3",
		"TCP ingress allows administration port 22 (SSH) from 0.0.0.0/0",
		"Remediation: Restrict the source",
		"5 |   ingress {",
		"result: FAIL",
	} {
		if !strings.Contains(rec.text(), want) {
			t.Errorf("the failure message lacks %q:\n%s", want, rec.text())
		}
	}
	// The threshold and the environment are the CLI's.
	if rec := record(t, func(tb testing.TB) {
		guardrailtest.Lint(tb, []string{"testdata/open-ssh"}, guardrail.WithSeverityThreshold(policy.Critical), guardrail.WithEnv("dev"))
	}); !rec.failed() {
		t.Error("a critical finding passed at the critical threshold")
	}
}

func TestRunStopsOnErrors(t *testing.T) {
	t.Parallel()
	for name, fn := range map[string]func(tb testing.TB){
		"missing path": func(tb testing.TB) { guardrailtest.Lint(tb, []string{"testdata/missing"}) },
		"missing policy": func(tb testing.TB) {
			guardrailtest.RequireFinding(tb, []string{"testdata/clean"}, "GR-PORT-001", guardrail.WithPolicyFile("nope.yaml"))
		},
		"bad env": func(tb testing.TB) {
			guardrailtest.RequireNoFinding(tb, []string{"testdata/clean"}, "GR-PORT-001", guardrail.WithEnv("moon"))
		},
	} {
		if rec := record(t, fn); !rec.fatal || !strings.HasPrefix(rec.text(), "guardrail: ") {
			t.Errorf("%s: fatal %v: %s", name, rec.fatal, rec.text())
		}
	}
}

func TestRequireFinding(t *testing.T) {
	t.Parallel()
	var got int
	rec := record(t, func(tb testing.TB) {
		fs := guardrailtest.RequireFinding(tb, []string{"testdata/open-ssh"}, "GR-PORT-001")
		got = len(fs)
		if got == 1 && (fs[0].Subject.Address != "aws_security_group.bastion" || fs[0].Path != "ingress[0]") {
			tb.Errorf("finding %+v", fs[0])
		}
	})
	if rec.failed() || got != 1 {
		t.Fatalf("RequireFinding on a violation: %d findings:\n%s", got, rec.text())
	}
	for _, tt := range []struct {
		name, dir, rule, why string
	}{
		{"clean", "testdata/clean", "GR-PORT-001", "got none:"},
		{"waived", "testdata/waived", "GR-PORT-001", "got none (1 waived):"},
		{"undecidable", "testdata/unknown", "GR-PORT-001", "got none (1 that cannot be decided statically):"},
		{"unknown rule", "testdata/open-ssh", "GR-PORT-01", "got none (no rule has that ID):"},
	} {
		rec := record(t, func(tb testing.TB) { guardrailtest.RequireFinding(tb, []string{tt.dir}, tt.rule) })
		if !rec.failed() || !strings.Contains(rec.text(), "want a finding of "+tt.rule+" in "+tt.dir+", "+tt.why) {
			t.Errorf("%s: %s", tt.name, rec.text())
		}
	}
}

func TestRequireNoFinding(t *testing.T) {
	t.Parallel()
	for _, dir := range []string{"testdata/clean", "testdata/waived"} {
		if rec := record(t, func(tb testing.TB) { guardrailtest.RequireNoFinding(tb, []string{dir}, "GR-PORT-001") }); rec.failed() {
			t.Errorf("%s:\n%s", dir, rec.text())
		}
	}
	for _, dir := range []string{"testdata/open-ssh", "testdata/unknown"} {
		rec := record(t, func(tb testing.TB) { guardrailtest.RequireNoFinding(tb, []string{dir}, "GR-PORT-001") })
		if !rec.failed() || !strings.Contains(rec.text(), "want no finding of GR-PORT-001 in "+dir+", got 1:") || !strings.Contains(rec.text(), "GR-PORT-001") {
			t.Errorf("%s: %s", dir, rec.text())
		}
	}
	// Only the rule asked about is listed.
	rec := record(t, func(tb testing.TB) {
		guardrailtest.RequireNoFinding(tb, []string{"testdata/open-ssh"}, "GR-PORT-001")
	})
	if strings.Count(rec.text(), "GR-") != 2 { // the heading and the finding
		t.Errorf("the failure lists other findings:\n%s", rec.text())
	}
}

// The helpers share nothing between calls.
func TestParallel(t *testing.T) {
	for i := range 8 {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			t.Parallel()
			guardrailtest.Lint(t, []string{"testdata/clean"})
			guardrailtest.RequireFinding(t, []string{"testdata/open-ssh"}, "GR-PORT-001")
			guardrailtest.RequireNoFinding(t, []string{"testdata/waived"}, "GR-PORT-001")
		})
	}
}
