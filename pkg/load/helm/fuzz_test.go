package helm

import (
	"strings"
	"testing"

	"github.com/guardrail-dev/guardrail/pkg/yamldoc"
)

// FuzzSourceText checks that the text guardrail locates a rendered template
// in has one "# Source:" header a document, each document holding more than
// comments.
func FuzzSourceText(f *testing.F) {
	for _, s := range []string{"a: 1\n---\nb: 2\n", "---\n# c\n---\n", "--- a: 1\n...\n---\n", "\n---   \n\n---\nb: 2\n", "a: |\n  ---\n  x\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, content string) {
		out := sourceText("c/templates/x.yaml", content)
		if out == "" {
			return
		}
		chunks := yamldoc.Split([]byte(out))
		headers := strings.Count(out, "---\n# Source: c/templates/x.yaml\n")
		if len(chunks) != headers {
			t.Errorf("%d documents for %d headers in %q", len(chunks), headers, out)
		}
		if !strings.HasPrefix(out, "---\n# Source: c/templates/x.yaml\n") {
			t.Errorf("output does not start with a header: %q", out)
		}
	})
}
