package hclsource

import (
	"strings"
	"testing"
)

func TestScanNesting(t *testing.T) {
	tests := []struct {
		name string
		src  string
		ok   bool
	}{
		{"flat", `a = [1, -2, -3, "x[[[[", "${a + b}"]`, true},
		{"comments hide brackets", "# [[[[[[[[[[\n// ((((((((\n/* {{{{{{{{ */\na = 1\n", true},
		{"strings hide brackets", `a = "[[[[[[[[[[[[[[[[[[[[[[[["`, true},
		{"escaped interpolation", `a = "$${[[[[[[[[[[[[[[[[[[[[[[[[[["`, true},
		{"deep brackets", "a = " + strings.Repeat("[", 20) + strings.Repeat("]", 20), false},
		{"deep braces in blocks", strings.Repeat("b {\n", 20) + strings.Repeat("}\n", 20), false},
		{"interpolation inside strings", "a = " + strings.Repeat(`"${`, 8) + "1" + strings.Repeat(`}"`, 8), false},
		{"heredoc interpolation", "a = <<EOT\n${" + strings.Repeat("[", 20) + "}\nEOT\n", false},
		{"heredoc text", "a = <<-EOT\n  [[[[[[[[[[[[[[[[[[[[[[[[\n  EOT\nb = 1\n", true},
		{"unary run", "a = " + strings.Repeat("!", 20) + "true", false},
		{"many negative items", "a = [" + strings.Repeat("-1, ", 100) + "]", true},
		{"operators reset by newlines", strings.Repeat("a = 1 + 2\n", 100), true},
		{"operator chain", "a = 1" + strings.Repeat(" + 1", 20), false},
		{"operator chain over lines in parens", "a = (1" + strings.Repeat("\n + 1", 20) + ")", false},
		{"dashed identifiers", "a = my-long-name-with-many-dashes-in-it-that-is-long", true},
		{"numbers subtracted", "a = 1" + strings.Repeat("-1", 20), false},
		{"splats", "a = b" + strings.Repeat("[*]", 20), false},
		{"template ifs", `a = "` + strings.Repeat("%{if true}", 20) + strings.Repeat("%{endif}", 20) + `"`, false},
		{"template ifs closed", `a = "` + strings.Repeat("%{if true}x%{endif}", 100) + `"`, true},
		{"json", `{"a": [{"b": [1, 2]}], "c": "${var.x}"}`, true},
		{"deep json", strings.Repeat(`{"a":`, 20) + "1" + strings.Repeat("}", 20), false},
	}
	for _, tt := range tests {
		if _, ok := scanNesting([]byte(tt.src), 16); ok != tt.ok {
			t.Errorf("%s: ok=%v, want %v", tt.name, ok, tt.ok)
		}
	}
}
