package load

import (
	"bytes"
	"os"
	"path"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/zclconf/go-cty/cty"
)

var (
	moduleSchema = &hcl.BodySchema{Blocks: []hcl.BlockHeaderSchema{{Type: "module", LabelNames: []string{"name"}}}}
	sourceSchema = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{{Name: "source"}}}
)

// localSources returns the directories the module in dir calls as local
// module sources (source = "./..." or "../..."), as slash paths joined to
// dir. files are the module's .tf and .tf.json files. Files that cannot be
// parsed are passed over: the Terraform loader reports them.
func localSources(dir string, files []string, maxBytes int64) []string {
	var out []string
	parser := hclparse.NewParser()
	for _, f := range files {
		fi, err := os.Stat(f)
		if err != nil || fi.Size() > maxBytes {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil || !bytes.Contains(src, []byte("module")) || !bytes.Contains(src, []byte("source")) {
			continue
		}
		var file *hcl.File
		if strings.HasSuffix(f, ".json") {
			file, _ = parser.ParseJSON(src, f)
		} else {
			file, _ = parser.ParseHCL(src, f)
		}
		if file == nil || file.Body == nil {
			continue
		}
		content, _, _ := file.Body.PartialContent(moduleSchema)
		if content == nil {
			continue
		}
		for _, block := range content.Blocks {
			attrs, _, _ := block.Body.PartialContent(sourceSchema)
			if attrs == nil || attrs.Attributes["source"] == nil {
				continue
			}
			v, diags := attrs.Attributes["source"].Expr.Value(nil)
			if diags.HasErrors() || v.IsNull() || !v.IsKnown() || v.Type() != cty.String {
				continue
			}
			src := v.AsString()
			if !strings.HasPrefix(src, "./") && !strings.HasPrefix(src, "../") {
				continue
			}
			// A "//" marks a subdirectory of a package; locally it is just a path.
			out = append(out, path.Join(dir, strings.ReplaceAll(src, "//", "/")))
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// rootModules returns the Terraform directories that are root modules: the
// ones no other directory of dirs calls as a local module. A group of
// directories that only call each other (a cycle) has its first directory,
// in path order, taken as root so that it is not lost.
func rootModules(dirs []string, calls map[string][]string) []string {
	called := map[string]bool{}
	for _, d := range dirs {
		for _, c := range calls[d] {
			if c != d {
				called[c] = true
			}
		}
	}
	var roots []string
	reached := map[string]bool{}
	var reach func(d string)
	reach = func(d string) {
		if reached[d] {
			return
		}
		reached[d] = true
		for _, c := range calls[d] {
			reach(c)
		}
	}
	for _, d := range dirs {
		if !called[d] {
			roots = append(roots, d)
			reach(d)
		}
	}
	for _, d := range dirs { // dirs is in path order
		if !reached[d] {
			roots = append(roots, d)
			reach(d)
		}
	}
	order := map[string]int{}
	for i, d := range dirs {
		order[d] = i
	}
	slices.SortFunc(roots, func(a, b string) int { return order[a] - order[b] })
	return roots
}
