package hclsource

import (
	"bytes"
	"regexp"
)

// secretAttr matches an attribute (or object key) whose name says it holds a
// credential, assigned a literal string or heredoc on the same line.
var secretAttr = regexp.MustCompile(`(?i)^(\s*"?[a-z0-9_-]*(?:password|passwd|secret|token|private_key|api_key|apikey|access_key|client_secret|connection_string|credentials)[a-z0-9_-]*"?\s*[=:]\s*)("|<<)`)

// forSnippets returns the text kept for report snippets: the source with the
// values of credential-named attributes replaced, so a snippet printed next
// to a finding never shows a password written in the configuration. Lines
// keep their number; only the value after the name is replaced.
func forSnippets(src []byte) []byte {
	if !secretAttr.Match(src) && !bytes.Contains(bytes.ToLower(src), []byte("password")) {
		return src
	}
	lines := bytes.SplitAfter(src, []byte("\n"))
	changed := false
	for i, line := range lines {
		m := secretAttr.FindSubmatchIndex(line)
		if m == nil {
			continue
		}
		nl := ""
		if bytes.HasSuffix(line, []byte("\n")) {
			nl = "\n"
		}
		lines[i] = append(append([]byte{}, line[:m[3]]...), []byte(`"(redacted)"`+nl)...)
		changed = true
	}
	if !changed {
		return src
	}
	return bytes.Join(lines, nil)
}
