package report

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestWindow(t *testing.T) {
	short := "    guardrail.dev/author: alice@acme.com"
	if got, col := window(short, 5); got != short || col != 5 {
		t.Errorf("a short line is changed: %q %d", got, col)
	}
	long := "    guardrail.dev/approvals: '" + strings.Repeat("x", 2000) + "'"
	got, col := window(long, 5)
	if utf8.RuneCountInString(got) != maxSnippetWidth+1 || !strings.HasPrefix(got, "    guardrail.dev/approvals") || !strings.HasSuffix(got, "…") || col != 5 {
		t.Errorf("a long line with the column near its start: %q, %d", got, col)
	}
	got, col = window(long, 1500)
	runes := []rune(got)
	if !strings.HasPrefix(got, "…") || !strings.HasSuffix(got, "…") || len(runes) != maxSnippetWidth+2 || col < 2 || col > len(runes) {
		t.Errorf("a long line with the column far in: %q, %d", got, col)
	}
}
