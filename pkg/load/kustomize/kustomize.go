package kustomize

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"
	"sigs.k8s.io/kustomize/api/krusty"
	kresource "sigs.k8s.io/kustomize/api/resource"
	"sigs.k8s.io/kustomize/kyaml/filesys"

	"github.com/guardrail-dev/guardrail/pkg/load/manifest"
	"github.com/guardrail-dev/guardrail/pkg/resource"
	"github.com/guardrail-dev/guardrail/pkg/waiver"
	"github.com/guardrail-dev/guardrail/pkg/yamldoc"
)

// Options tune Load. The zero value is ready to use.
type Options struct {
	// Namespace is given to namespaced objects the build leaves without one,
	// as kubectl's --namespace would.
	Namespace string
	// Limits bound each file read and each rendered object.
	Limits manifest.Limits
}

// The annotations kustomize's build metadata adds; they are removed before
// objects are judged.
const (
	OriginAnnotation          = "config.kubernetes.io/origin"
	TransformationsAnnotation = "alpha.config.kubernetes.io/transformations"
)

// maxKeptSource bounds the files whose text is kept in Set.Sources.
const maxKeptSource = 1 << 20

// buildMu serialises builds: kustomize keeps its OpenAPI schema in a
// process-wide variable that a kustomization's openapi field replaces.
var buildMu sync.Mutex

// Load builds the kustomization in dir (an overlay, or a base) and loads the
// objects it renders. Problems with the kustomization, its files or the
// objects are diagnostics in the returned Set; the error is for a cancelled
// ctx.
func Load(ctx context.Context, dir string, opts Options) (*resource.Set, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	dir = path.Clean(filepath.ToSlash(dir))
	maxBytes := opts.Limits.MaxBytes
	if maxBytes <= 0 {
		maxBytes = manifest.DefaultMaxBytes
	}
	s := newScanner(opts.Limits.Limits, maxBytes)
	top := s.scan(dir, nil, nil, "kustomization")
	set := &resource.Set{Diagnostics: s.diags}
	if top == nil || s.diags.HasErrors() {
		return set, nil
	}
	if top.component {
		set.Diagnostics = append(set.Diagnostics, resource.WarningAt(resource.Location{File: top.name, Line: 1}, "kustomize Component not built",
			"a Component is built by the kustomizations that list it under components, not on its own; lint one of them"))
		return set, nil
	}
	rendered, err := build(top)
	if err != nil {
		set.Diagnostics = append(set.Diagnostics, resource.ErrorAt(s.blame(top, err),
			"kustomization could not be built", cleanError(err)))
		return set, nil
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	t := newTree(s, top)
	for _, res := range rendered {
		t.object(set, res, opts)
	}
	t.keepSources(set)
	return set, nil
}

// build runs kustomize on the overlay, with origin annotations turned on.
func build(top *kfile) (_ []*kresource.Resource, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("internal error in kustomize: %v; please report it with the kustomization\n%s", p, debug.Stack())
		}
	}()
	data, err := withBuildMetadata(top.data)
	if err != nil {
		return nil, err
	}
	fsys := &metadataFS{FileSystem: filesys.MakeFsOnDisk(), file: filepath.Join(top.real, path.Base(top.name)), data: data}
	buildMu.Lock()
	defer buildMu.Unlock()
	m, err := krusty.MakeKustomizer(krusty.MakeDefaultOptions()).Run(fsys, top.real)
	if err != nil {
		return nil, err
	}
	return m.Resources(), nil
}

// withBuildMetadata adds originAnnotations and transformerAnnotations to
// the kustomization's buildMetadata, keeping what it already asks for.
func withBuildMetadata(data []byte) ([]byte, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		doc = yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{{Kind: yaml.MappingNode, Tag: "!!map"}}}
	}
	root := doc.Content[0]
	want := []string{"originAnnotations", "transformerAnnotations"}
	list := valueNode(root, "buildMetadata")
	if list == nil || list.Kind != yaml.SequenceNode {
		list = &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Style: yaml.FlowStyle}
		if k, _ := keyValue(root, "buildMetadata"); k != nil {
			for i := 0; i+1 < len(root.Content); i += 2 {
				if root.Content[i] == k {
					root.Content[i+1] = list
				}
			}
		} else {
			root.Content = append(root.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: "buildMetadata"}, list)
		}
	}
	for _, w := range want {
		found := false
		for _, n := range list.Content {
			found = found || n.Value == w
		}
		if !found {
			list.Content = append(list.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: w})
		}
	}
	return yaml.Marshal(&doc)
}

// metadataFS serves the overlay's kustomization with build metadata turned
// on and every other file from disk.
type metadataFS struct {
	filesys.FileSystem
	file string
	data []byte
}

// ReadFile implements filesys.FileSystem.
func (f *metadataFS) ReadFile(name string) ([]byte, error) {
	if filepath.Clean(name) == f.file {
		return f.data, nil
	}
	return f.FileSystem.ReadFile(name)
}

// patchIDRE finds the object a failing patch names in kustomize's errors:
// strategic merge patch "Deployment.v1.apps/web.[noNs]".
var patchIDRE = regexp.MustCompile(`patch "([A-Za-z0-9]+)\.[^"/]*/([^"/]+?)\.\[`)

// blame returns where a build error is best reported: the patch it names,
// or the top kustomization.
func (s *scanner) blame(top *kfile, err error) resource.Location {
	loc := resource.Location{File: top.name, Line: 1}
	m := patchIDRE.FindStringSubmatch(err.Error())
	if m == nil {
		return loc
	}
	for _, k := range s.all {
		for _, p := range k.patches {
			if !p.json6902 && stringField(p.node, "kind") == m[1] && stringField(valueNode(p.node, "metadata"), "name") == m[2] {
				return resource.Location{File: p.file, Line: p.node.Line, Column: p.node.Column, Document: p.doc}
			}
		}
	}
	return loc
}

// cleanError makes kustomize's error relative to the working directory.
func cleanError(err error) string {
	msg := err.Error()
	if wd, werr := os.Getwd(); werr == nil {
		for _, d := range []string{wd, evalOr(wd)} {
			msg = strings.ReplaceAll(msg, d+string(filepath.Separator), "")
		}
	}
	return msg
}

func evalOr(p string) string {
	if r, err := filepath.EvalSymlinks(p); err == nil {
		return r
	}
	return p
}

// object turns one rendered object into a resource of set.
func (t *tree) object(set *resource.Set, res *kresource.Resource, opts Options) {
	y, err := res.AsYAML()
	if err != nil {
		set.Diagnostics = append(set.Diagnostics, resource.ErrorAt(resource.Location{File: t.top.name, Line: 1},
			"kustomization could not be built", fmt.Sprintf("%s %s: %v", res.GetKind(), res.GetName(), err)))
		return
	}
	origin, _ := res.GetOrigin()
	docs, err := yamldoc.Parse(y, opts.Limits.Limits)
	if err != nil || len(docs) != 1 || docs[0].Err != nil {
		reason := fmt.Sprint(err)
		if err == nil && len(docs) == 1 {
			reason = docs[0].Err.Reason
		}
		set.Diagnostics = append(set.Diagnostics, resource.ErrorAt(resource.Location{File: t.top.name, Line: 1},
			"rendered object could not be read", fmt.Sprintf("%s %s: %s", res.GetKind(), res.GetName(), reason)))
		return
	}
	attrs, ok := docs[0].Value.(map[string]any)
	if !ok {
		return
	}
	stripBuildAnnotations(attrs)
	o := t.newObject(attrs, origin)
	loaded := manifest.Object(o.loc.File, attrs, manifest.Options{Namespace: opts.Namespace, Limits: opts.Limits})
	for _, d := range loaded.Diagnostics {
		d.Location = o.loc
		d.Detail = fmt.Sprintf("%s %s, as built by %s: %s", res.GetKind(), res.GetName(), t.top.name, d.Detail)
		set.Diagnostics = append(set.Diagnostics, d)
	}
	for _, r := range loaded.Resources {
		r.Unit = t.top.dir
		r.Location = o.loc
		r.Locator = o
		for i := range r.Waivers {
			r.Waivers[i].Location = r.Locate(resource.Path{resource.Key("metadata"), resource.Key("annotations"), resource.Key(waiver.AnnotationKey)})
		}
		set.Resources = append(set.Resources, r)
	}
}

// stripBuildAnnotations removes kustomize's build metadata from an object.
func stripBuildAnnotations(attrs map[string]any) {
	meta, _ := attrs["metadata"].(map[string]any)
	ann, _ := meta["annotations"].(map[string]any)
	if ann == nil {
		return
	}
	delete(ann, OriginAnnotation)
	delete(ann, TransformationsAnnotation)
	if len(ann) == 0 {
		delete(meta, "annotations")
	}
}

// keepSources adds the text of the files locations point at, for report
// snippets; files holding Secrets or secret generators are left out.
func (t *tree) keepSources(set *resource.Set) {
	keep := func(name string, data []byte) {
		if len(data) == 0 || len(data) > maxKeptSource || bytes.IndexByte(data, 0) >= 0 {
			return
		}
		if set.Sources == nil {
			set.Sources = map[string][]byte{}
		}
		set.Sources[name] = data
	}
	for _, k := range t.scan.all {
		if !k.secrets {
			keep(k.name, k.data)
		}
	}
	for name, txt := range t.scan.texts {
		if !txt.secret {
			keep(name, txt.data)
		}
	}
}
