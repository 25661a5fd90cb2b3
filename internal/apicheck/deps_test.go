package apicheck

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

const module = "github.com/guardrail-dev/guardrail"

// forbidden are the packages the library must never pull: the webhook's
// framework and guardrail's own programs.
var forbidden = []string{
	"sigs.k8s.io/controller-runtime",
	module + "/cmd",
	module + "/webhook",
	module + "/controller",
	module + "/api",
}

func moduleRoot(t *testing.T) string {
	t.Helper()
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("cannot locate the test file")
	}
	root := filepath.Join(filepath.Dir(file), "..", "..")
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("module root %s: %v", root, err)
	}
	return root
}

// TestLibraryDependencies lists the dependencies of every package under
// pkg/ (what an importer compiles, tests aside) and fails on a forbidden one,
// naming the library package that pulls it.
func TestLibraryDependencies(t *testing.T) {
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command in PATH")
	}
	cmd := exec.Command(gobin, "list", "-f", `{{.ImportPath}}{{range .Deps}} {{.}}{{end}}`, "./pkg/...")
	cmd.Dir = moduleRoot(t)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.String())
	}
	pkgs := 0
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) == 0 {
			continue
		}
		pkgs++
		lib, deps := fields[0], fields[1:]
		if !strings.HasPrefix(lib, module+"/pkg/") && lib != module+"/pkg" {
			t.Errorf("go list ./pkg/... listed %s", lib)
		}
		for _, dep := range deps {
			for _, bad := range forbidden {
				if dep == bad || strings.HasPrefix(dep, bad+"/") {
					t.Errorf("%s imports %s (directly or not); the library must not depend on it", lib, dep)
				}
			}
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if pkgs < 20 {
		t.Fatalf("go list ./pkg/... listed only %d packages", pkgs)
	}
}

func TestForbiddenMatchesWhatItMust(t *testing.T) {
	for dep, bad := range map[string]bool{
		"sigs.k8s.io/controller-runtime":                       true,
		"sigs.k8s.io/controller-runtime/pkg/webhook/admission": true,
		module + "/webhook":                                    true,
		module + "/cmd/guardrail":                              true,
		module + "/controller":                                 true,
		module + "/api/v1alpha1":                               true,
		module + "/pkg/engine":                                 false,
		module + "/pkg/apiclient":                              false,
		"sigs.k8s.io/controller-runtimes":                      false,
		"k8s.io/apimachinery/pkg/runtime":                      false,
	} {
		got := false
		for _, f := range forbidden {
			got = got || dep == f || strings.HasPrefix(dep, f+"/")
		}
		if got != bad {
			t.Errorf("%s forbidden = %v, want %v", dep, got, bad)
		}
	}
}
