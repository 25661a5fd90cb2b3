package load

import (
	"bytes"
	"path"
	"strings"

	"github.com/guardrail-dev/guardrail/pkg/load/internal/jsonscan"
	"github.com/guardrail-dev/guardrail/pkg/load/internal/textenc"
)

// Kind is a kind of input.
type Kind string

// The kinds of input.
const (
	// KindAuto asks Load to detect the kind of each input.
	KindAuto Kind = ""
	// KindTerraform is Terraform source: .tf and .tf.json files, loaded a
	// root module (directory) at a time.
	KindTerraform Kind = "terraform"
	// KindPlan is a plan rendered by `terraform show -json`.
	KindPlan Kind = "plan"
	// KindKubernetes is a Kubernetes manifest: YAML or JSON objects.
	KindKubernetes Kind = "kubernetes"
)

// Valid reports whether k is one of the kinds above.
func (k Kind) Valid() bool {
	switch k {
	case KindAuto, KindTerraform, KindPlan, KindKubernetes:
		return true
	}
	return false
}

// Detect tells what kind of input a file is, from its name and content, and
// returns KindAuto ("") when it cannot tell.
//
//   - A name ending in .tf or .tf.json is KindTerraform.
//   - JSON (an object, after any byte order mark) is KindPlan when it has a
//     format_version and one of resource_changes, planned_values or
//     terraform_version at its top level, and KindKubernetes when it has
//     apiVersion and kind. Other JSON is not recognised.
//   - Other text is KindKubernetes when the name ends in .yaml or .yml, or
//     when a line starts with "apiVersion:" and another with "kind:".
//
// Detect reads only as much of data as it needs. It does not recognise
// guardrail's own policy files, which are not inputs (see IsPolicy).
func Detect(name string, data []byte) Kind {
	base := strings.ToLower(path.Base(strings.ReplaceAll(name, `\`, "/")))
	if strings.HasSuffix(base, ".tf") || strings.HasSuffix(base, ".tf.json") {
		return KindTerraform
	}
	data, _ = textenc.Normalize(data)
	i := jsonscan.SkipSpace(data, 0)
	if i < len(data) && data[i] == '{' {
		return detectJSON(data)
	}
	if strings.HasSuffix(base, ".json") {
		return KindAuto
	}
	if strings.HasSuffix(base, ".yaml") || strings.HasSuffix(base, ".yml") {
		return KindKubernetes
	}
	if hasTopLevelKey(data, "apiVersion") && hasTopLevelKey(data, "kind") {
		return KindKubernetes
	}
	return KindAuto
}

func detectJSON(data []byte) Kind {
	keys, _ := jsonscan.TopLevelKeys(data, 64)
	has := map[string]bool{}
	for _, k := range keys {
		has[k] = true
	}
	switch {
	case has["format_version"] && (has["resource_changes"] || has["planned_values"] || has["terraform_version"]):
		return KindPlan
	case has["apiVersion"] && has["kind"]:
		return KindKubernetes
	}
	return KindAuto
}

// hasTopLevelKey reports whether a line of YAML text starts with key and a colon.
func hasTopLevelKey(data []byte, key string) bool {
	for len(data) > 0 {
		line := data
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			data = nil
		}
		if rest, ok := bytes.CutPrefix(line, []byte(key)); ok && len(bytes.TrimLeft(rest, " \t")) > 0 && bytes.TrimLeft(rest, " \t")[0] == ':' {
			return true
		}
		if rest, ok := bytes.CutPrefix(line, []byte(`"`+key+`"`)); ok && len(bytes.TrimLeft(rest, " \t")) > 0 && bytes.TrimLeft(rest, " \t")[0] == ':' {
			return true
		}
	}
	return false
}

// IsPolicy reports whether data is a guardrail policy file (apiVersion
// guardrail.dev/..., kind Policy), which configures guardrail and is not an
// input to judge.
func IsPolicy(data []byte) bool {
	data, _ = textenc.Normalize(data)
	return topLevelValue(data, "apiVersion", func(v string) bool { return strings.HasPrefix(v, "guardrail.dev/") }) &&
		topLevelValue(data, "kind", func(v string) bool { return v == "Policy" })
}

// topLevelValue reports whether a line "key: value" (YAML) or a member
// "key": "value" (JSON, one member a line or not) has a value accepted by ok.
func topLevelValue(data []byte, key string, ok func(string) bool) bool {
	for _, q := range []string{key + ":", `"` + key + `"`} {
		for rest := data; ; {
			i := bytes.Index(rest, []byte(q))
			if i < 0 {
				break
			}
			atLineStart := i == 0 || rest[i-1] == '\n' || q[0] == '"'
			rest = rest[i+len(q):]
			if !atLineStart {
				continue
			}
			v := bytes.TrimLeft(rest, " \t:")
			if j := bytes.IndexAny(v, "\n,}#"); j >= 0 {
				v = v[:j]
			}
			if ok(strings.Trim(strings.TrimSpace(string(v)), `"'`)) {
				return true
			}
		}
	}
	return false
}
