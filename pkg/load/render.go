package load

import (
	"context"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/guardrail-dev/guardrail/pkg/load/helm"
	"github.com/guardrail-dev/guardrail/pkg/load/kustomize"
	"github.com/guardrail-dev/guardrail/pkg/resource"
)

// checkRendered checks the kustomizations and charts named in opts.
func checkRendered(opts Options) error {
	for _, d := range opts.Kustomizations {
		if fi, err := os.Stat(d); err != nil || !fi.IsDir() {
			return fmt.Errorf("kustomization %s: not a directory (name the directory holding kustomization.yaml)", d)
		}
		if _, ok := kustomize.FileIn(filepath.ToSlash(d)); !ok {
			return fmt.Errorf("kustomization %s: the directory holds no %s", d, strings.Join(kustomize.FileNames, ", "))
		}
	}
	for _, d := range opts.Charts {
		if fi, err := os.Stat(d); err != nil || !fi.IsDir() {
			return fmt.Errorf("chart %s: not a directory (name the chart directory, holding Chart.yaml; unpack a packaged chart first)", d)
		}
		if !helm.IsChart(d) {
			return fmt.Errorf("chart %s: the directory holds no Chart.yaml", d)
		}
	}
	if _, err := opts.Helm.Values(); err != nil {
		return err
	}
	return nil
}

// kustomization adds the kustomization in dir as a unit: the overlay built
// by kustomize, whose objects all belong to the unit dir.
func (w *walker) kustomization(dir string, explicit bool) {
	w.found++
	dir = path.Clean(dir)
	abs, _ := filepath.Abs(filepath.FromSlash(dir))
	if w.seen["kustomization:"+abs] {
		if explicit {
			w.kustUnit[abs].explicitRoot()
		}
		return
	}
	w.seen["kustomization:"+abs] = true
	u := &unit{name: dir, kind: KindKubernetes, rendered: true, forced: explicit, load: func(ctx context.Context) (*resource.Set, error) {
		return kustomize.Load(ctx, dir, kustomize.Options{Namespace: w.opts.Namespace, Limits: w.opts.Limits.Manifest})
	}}
	for _, r := range kustomize.References(dir) {
		a, _ := filepath.Abs(filepath.FromSlash(r))
		u.refs = append(u.refs, a)
	}
	w.kustUnit[abs] = u
	w.units = append(w.units, u)
}

// chart adds the Helm chart in dir as a unit, rendered with opts.
func (w *walker) chart(dir string, opts helm.Options) {
	w.found++
	dir = path.Clean(dir)
	abs, _ := filepath.Abs(filepath.FromSlash(dir))
	if w.seen["chart:"+abs] {
		return
	}
	w.seen["chart:"+abs] = true
	opts.Limits = w.opts.Limits.Manifest
	w.units = append(w.units, &unit{name: dir, kind: KindKubernetes, rendered: true, load: func(ctx context.Context) (*resource.Set, error) {
		return helm.Load(ctx, dir, opts)
	}})
}

// walkedChart is the rendering of a chart found by a walk: default values,
// the release namespace from Options.Namespace.
func (w *walker) walkedChart() helm.Options {
	return helm.Options{Namespace: w.opts.Namespace}
}

// dropReferenced drops, from a walk, the kustomizations another kustomization
// of the walk builds (a base under an overlay), and the manifest files one
// builds, so that each object is judged once, as deployed. Inputs named
// explicitly are kept.
func (w *walker) dropReferenced() {
	byAbs := map[string]*unit{}
	for _, u := range w.units {
		if u.rendered {
			abs, _ := filepath.Abs(filepath.FromSlash(u.name))
			byAbs[abs] = u
		}
	}
	// reaches reports whether kustomization a builds b, directly or through its bases.
	var reaches func(a, b *unit, seen map[*unit]bool) bool
	reaches = func(a, b *unit, seen map[*unit]bool) bool {
		if seen[a] {
			return false
		}
		seen[a] = true
		for _, r := range a.refs {
			if c := byAbs[r]; c != nil && (c == b || reaches(c, b, seen)) {
				return true
			}
		}
		return false
	}
	referencedBy := map[string][]*unit{}
	for _, u := range w.units {
		for _, r := range u.refs {
			referencedBy[r] = append(referencedBy[r], u)
		}
	}
	for _, u := range w.units {
		if u.forced || u.drop || u.kind != KindKubernetes || u.name == StdinName {
			continue
		}
		abs, _ := filepath.Abs(filepath.FromSlash(u.name))
		for _, by := range referencedBy[abs] {
			// A kustomization built by one it builds (a cycle) is kept, so
			// that its error is reported.
			if by != u && !(u.rendered && reaches(u, by, map[*unit]bool{})) {
				u.drop = true
				break
			}
		}
	}
}
