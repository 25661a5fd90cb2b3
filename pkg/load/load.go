package load

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/guardrail-dev/guardrail/pkg/load/hclsource"
	"github.com/guardrail-dev/guardrail/pkg/load/helm"
	"github.com/guardrail-dev/guardrail/pkg/load/internal/textenc"
	"github.com/guardrail-dev/guardrail/pkg/load/kustomize"
	"github.com/guardrail-dev/guardrail/pkg/load/manifest"
	"github.com/guardrail-dev/guardrail/pkg/load/tfplan"
	"github.com/guardrail-dev/guardrail/pkg/resource"
)

// DefaultMaxFiles is the default bound on the files one Load visits.
const DefaultMaxFiles = 100_000

// Limits bound the work one Load may do. Zero fields take each loader's defaults.
type Limits struct {
	// Plan bounds each plan file.
	Plan tfplan.Limits
	// Manifest bounds each manifest file.
	Manifest manifest.Limits
	// Terraform bounds each Terraform root module.
	Terraform hclsource.Limits
	// MaxFiles is the most files the directory walks visit. Default DefaultMaxFiles.
	MaxFiles int
}

// Options tune Load. The zero value detects every input's kind.
type Options struct {
	// Kind, when set, reads every input as this kind instead of detecting
	// it: named files are loaded as this kind, and directory walks look for
	// this kind only.
	Kind Kind
	// VarFiles and Vars set Terraform variables, as -var-file and -var do,
	// for every Terraform root module.
	VarFiles []string
	Vars     map[string]string
	// Workspace is the Terraform workspace of root modules and plans.
	Workspace string
	// Namespace is given to Kubernetes objects that name none; it is also
	// the release namespace of the Helm charts rendered.
	Namespace string
	// Kustomizations are directories built with kustomize, besides the paths
	// (kubectl's -k). Walks build the kustomizations they find on their own.
	Kustomizations []string
	// Charts are Helm chart directories rendered with Helm, besides the
	// paths. Walks render the charts they find with default values.
	Charts []string
	// Helm sets how Charts are rendered: values files, --set values and the
	// release name. Its Namespace, when empty, is Namespace.
	Helm helm.Options
	// Limits bound the work done.
	Limits Limits
	// Stdin is what the path "-" reads; nil means os.Stdin.
	Stdin io.Reader
}

// StdinName is the file name of standard input in locations.
const StdinName = "<stdin>"

// Load reads the inputs at paths: files, directories (walked), or "-" for
// standard input. Problems with the inputs' content are diagnostics in the
// returned Set; the error is for mistakes in the call itself (no paths, a
// path that does not exist, an unknown kind, standard input named twice) and
// for a cancelled ctx.
func Load(ctx context.Context, paths []string, opts Options) (*resource.Set, error) {
	if !opts.Kind.Valid() {
		return nil, fmt.Errorf("unknown input kind %q (want terraform, plan or kubernetes)", opts.Kind)
	}
	if len(paths) == 0 && len(opts.Kustomizations) == 0 && len(opts.Charts) == 0 {
		return nil, errors.New("no inputs: name files, directories, or - for standard input")
	}
	if err := checkRendered(opts); err != nil {
		return nil, err
	}
	if opts.Helm.Namespace == "" {
		opts.Helm.Namespace = opts.Namespace
	}
	stdin := false
	for _, p := range paths {
		if p == "-" {
			if stdin {
				return nil, errors.New("standard input (-) is named more than once")
			}
			stdin = true
			continue
		}
		if _, err := os.Stat(p); err != nil {
			var pe *fs.PathError
			if errors.As(err, &pe) {
				err = pe.Err
			}
			return nil, fmt.Errorf("input %s: %w", p, err)
		}
	}
	w := newWalker(ctx, opts)
	for _, p := range paths {
		if err := w.input(p); err != nil {
			return nil, err
		}
	}
	for _, d := range opts.Kustomizations {
		w.kustomization(filepath.ToSlash(d), true)
	}
	for _, d := range opts.Charts {
		w.chart(filepath.ToSlash(d), opts.Helm)
	}
	units := w.resolve()
	sets := make([]*resource.Set, len(units))
	errs := make([]error, len(units))
	var wg sync.WaitGroup
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	for i, u := range units {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			defer func() {
				// The loaders contain their own panics; this keeps a new one
				// from taking the process down with a goroutine's stack.
				if p := recover(); p != nil {
					sets[i], errs[i] = nil, fmt.Errorf("internal error: %v; please report it with the input\n%s", p, debug.Stack())
				}
			}()
			if err := ctx.Err(); err != nil {
				errs[i] = err
				return
			}
			sets[i], errs[i] = u.load(ctx)
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	out := &resource.Set{Diagnostics: w.diags}
	for i, u := range units {
		if errs[i] != nil {
			out.Diagnostics = append(out.Diagnostics, resource.ErrorAt(resource.Location{File: u.name}, "input could not be read", errs[i].Error()))
		}
		out.Add(sets[i])
	}
	// A CRD in one file decides the scope of its objects in the others.
	manifest.ResolveScopes(out.Resources, opts.Namespace)
	return out, nil
}

// unit is one thing to load: a file, a root module, a kustomization, a
// Helm chart, or standard input.
type unit struct {
	name string
	kind Kind
	load func(ctx context.Context) (*resource.Set, error)
	drop bool // a Terraform directory that turned out to be a called module, a base another kustomization builds
	// forced marks a Terraform directory named through one of its files, or
	// a kustomization named explicitly: kept even if another input uses it.
	forced bool
	// rendered marks a kustomization or a chart; refs are the absolute
	// paths of the files and directories a kustomization lists.
	rendered bool
	refs     []string
}

func (u *unit) explicitRoot() { u.forced = true }

type walker struct {
	ctx   context.Context
	opts  Options
	stdin io.Reader

	units []*unit
	diags resource.Diagnostics
	files int
	found int             // inputs found, counting those already added
	seen  map[string]bool // absolute paths of the files and module directories added

	tfDirs  []string            // Terraform directories, in walk order
	tfFiles map[string][]string // their .tf and .tf.json files
	tfUnit  map[string]*unit

	kustUnit map[string]*unit // kustomization units by absolute directory
	kustDirs map[string]bool  // walked directories holding a kustomization: their manifests are its inputs
}

func newWalker(ctx context.Context, opts Options) *walker {
	stdin := opts.Stdin
	if stdin == nil {
		stdin = os.Stdin
	}
	return &walker{ctx: ctx, opts: opts, stdin: stdin, seen: map[string]bool{},
		tfFiles: map[string][]string{}, tfUnit: map[string]*unit{}, kustUnit: map[string]*unit{}, kustDirs: map[string]bool{}}
}

func (w *walker) maxFiles() int {
	if w.opts.Limits.MaxFiles > 0 {
		return w.opts.Limits.MaxFiles
	}
	return DefaultMaxFiles
}

// input adds one path the user named.
func (w *walker) input(p string) error {
	if p == "-" {
		w.addStdin()
		return nil
	}
	name := filepath.ToSlash(p)
	fi, err := os.Stat(p)
	if err != nil {
		return fmt.Errorf("input %s: %w", p, err)
	}
	if !fi.IsDir() {
		w.file(name, true)
		return nil
	}
	before, diags := w.found, len(w.diags)
	if err := w.walk(name); err != nil {
		return err
	}
	if w.found == before && len(w.diags) == diags {
		w.warn(resource.Location{File: name}, "no inputs found",
			"the directory holds no Terraform files, plans, Kubernetes manifests, kustomizations or Helm charts"+w.kindNote())
	}
	return nil
}

// wantsManifests reports whether walks look for Kubernetes manifests.
func (w *walker) wantsManifests() bool {
	return w.opts.Kind == KindAuto || w.opts.Kind == KindKubernetes
}

func (w *walker) kindNote() string {
	if w.opts.Kind != KindAuto {
		return " of the kind asked for (" + string(w.opts.Kind) + ")"
	}
	return ""
}

// skipDirs are directories never walked into.
var skipDirs = map[string]bool{".git": true, ".terraform": true, "node_modules": true, "vendor": true, ".terragrunt-cache": true}

// walk visits a directory tree in lexical order. Symbolic links to
// directories are not followed, so a link loop cannot hang the walk.
func (w *walker) walk(root string) error {
	return filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if cerr := w.ctx.Err(); cerr != nil {
			return cerr
		}
		name := filepath.ToSlash(p)
		if err != nil {
			w.error(resource.Location{File: name}, "input could not be read", errText(err))
			if d != nil && d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			if p != root && skipDirs[d.Name()] {
				return fs.SkipDir
			}
			if chart := path.Join(name, helm.ChartFile); fileExists(chart) {
				if w.wantsManifests() {
					w.chart(name, w.walkedChart())
				}
				return fs.SkipDir
			}
			if _, ok := kustomize.FileIn(name); ok && w.wantsManifests() {
				w.kustomization(name, p == root)
				w.kustDirs[name] = true
			}
			return nil
		}
		if d.Type()&fs.ModeSymlink != 0 {
			fi, err := os.Stat(p)
			switch {
			case err != nil:
				if looksLikeInput(d.Name()) {
					w.error(resource.Location{File: name}, "input could not be read", "broken symbolic link: "+errText(err))
				}
				return nil
			case fi.IsDir():
				w.warn(resource.Location{File: name}, "symbolic link not followed",
					"links to directories are not walked, so that a link loop cannot hang the walk; name the target directory to include it")
				return nil
			}
		} else if !d.Type().IsRegular() {
			return nil // devices, sockets, pipes
		}
		w.files++
		if w.files > w.maxFiles() {
			w.error(resource.Location{File: root}, "too many files",
				fmt.Sprintf("the walk of %s visits more than %d files; name the directories to lint", root, w.maxFiles()))
			return fs.SkipAll
		}
		w.file(name, false)
		return nil
	})
}

// file adds one file, found by a walk or named (explicit). A named file is
// loaded as Options.Kind when it is set; in a walk Options.Kind only
// filters, and each file is loaded as what Detect finds.
func (w *walker) file(name string, explicit bool) {
	base := strings.ToLower(path.Base(name))
	isTF := strings.HasSuffix(base, ".tf") || strings.HasSuffix(base, ".tf.json")
	switch {
	case isTF && (w.opts.Kind == KindAuto || w.opts.Kind == KindTerraform):
		w.terraformFile(name, explicit)
		return
	case !explicit && (isTF || !isYAML(base) && !strings.HasSuffix(base, ".json")):
		return // README.md, .tfvars, .lock.hcl, images...
	case isKustomizationFile(name):
		if explicit {
			w.kustomization(path.Dir(name), true)
		}
		return // a walk builds it from its directory
	case path.Base(name) == helm.ChartFile:
		if explicit {
			w.chart(path.Dir(name), w.walkedChart())
		}
		return
	case strings.HasPrefix(base, "values") && isYAML(base) && fileExists(path.Join(path.Dir(name), helm.ChartFile)):
		if explicit {
			w.warn(resource.Location{File: name}, "Helm values file skipped",
				"a values file is not an input; render the chart with it: --helm "+path.Dir(name)+" --values "+name)
		}
		return
	case !explicit && w.kustDirs[path.Dir(name)]:
		return // an input (a resource, a patch) of the kustomization of its directory
	}
	head, size, err := readHead(name, headBytes)
	if err != nil {
		w.error(resource.Location{File: name}, "input could not be read", errText(err))
		return
	}
	if IsPolicy(head) {
		if explicit {
			w.warn(resource.Location{File: name}, "guardrail policy file skipped", "a policy configures guardrail and is not an input; pass it as the policy")
		}
		return
	}
	detected := Detect(name, head)
	if detected == KindAuto && size > int64(len(head)) && strings.HasSuffix(base, ".json") {
		// The keys that tell may come after a large first member.
		if all, _, err := readHead(name, w.opts.Limits.Plan.MaxBytes); err == nil {
			detected = Detect(name, all)
		}
	}
	kind := w.opts.Kind
	switch {
	case explicit && kind == KindAuto:
		kind = detected
	case !explicit:
		if kind != KindAuto && kind != detected {
			return
		}
		kind = detected
		if kind == KindKubernetes && isYAML(base) && size <= int64(len(head)) && isText(head) && !mentionsKeys(head, "apiVersion", "kind") {
			return // YAML that is not a manifest: CI workflows, compose files...
		}
	}
	switch kind {
	case KindPlan:
		w.add(&unit{name: name, kind: KindPlan, load: func(ctx context.Context) (*resource.Set, error) {
			return tfplan.LoadFile(ctx, name, tfplan.Options{Workspace: w.opts.Workspace, Limits: w.opts.Limits.Plan})
		}})
	case KindKubernetes:
		w.add(&unit{name: name, kind: KindKubernetes, load: func(ctx context.Context) (*resource.Set, error) {
			return w.loadManifest(name)
		}})
	case KindTerraform:
		w.error(resource.Location{File: name}, "not a Terraform file", "Terraform source is read from .tf and .tf.json files; name the module directory")
	default:
		if explicit {
			w.error(resource.Location{File: name}, "unrecognised input",
				"not a Terraform plan (terraform show -json), a Kubernetes manifest (YAML, or JSON with apiVersion and kind) "+
					"or Terraform source (.tf, .tf.json); if it is one of them, name its kind explicitly")
		}
	}
}

// mentionsKeys reports whether a line of YAML text, possibly indented or in
// a list, starts with one of keys followed by a colon.
func mentionsKeys(data []byte, keys ...string) bool {
	for len(data) > 0 {
		line := data
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			data = nil
		}
		line = bytes.TrimLeft(line, " \t-")
		for _, k := range keys {
			if rest, ok := bytes.CutPrefix(line, []byte(k)); ok && len(rest) > 0 && (rest[0] == ':' || rest[0] == ' ') {
				if bytes.HasPrefix(bytes.TrimLeft(rest, " \t"), []byte(":")) {
					return true
				}
			}
		}
	}
	return false
}

func (w *walker) loadManifest(name string) (*resource.Set, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return manifest.LoadReader(name, f, manifest.Options{Namespace: w.opts.Namespace, Limits: w.opts.Limits.Manifest})
}

// terraformFile records a .tf or .tf.json file; its directory becomes a
// Terraform unit, dropped later if another module calls it.
func (w *walker) terraformFile(name string, explicit bool) {
	w.found++
	dir := path.Dir(name)
	if _, ok := w.tfFiles[dir]; !ok {
		abs, _ := filepath.Abs(dir)
		if w.seen["dir:"+abs] {
			return
		}
		w.seen["dir:"+abs] = true
		w.tfDirs = append(w.tfDirs, dir)
		u := &unit{name: dir, kind: KindTerraform, load: func(ctx context.Context) (*resource.Set, error) {
			return hclsource.LoadModule(ctx, dir, hclsource.Options{VarFiles: w.opts.VarFiles, Vars: w.opts.Vars,
				Workspace: w.opts.Workspace, Limits: w.opts.Limits.Terraform})
		}}
		w.tfUnit[dir] = u
		w.units = append(w.units, u)
	}
	if explicit {
		// A named .tf file loads its whole directory, as Terraform does; the
		// directory is a root even if another input calls it.
		w.tfUnit[dir].explicitRoot()
	}
	w.tfFiles[dir] = append(w.tfFiles[dir], name)
}

// add appends a file unit once.
func (w *walker) add(u *unit) {
	w.found++
	abs, _ := filepath.Abs(u.name)
	if w.seen[abs] {
		return
	}
	w.seen[abs] = true
	w.units = append(w.units, u)
}

func (w *walker) addStdin() {
	u := &unit{name: StdinName, load: func(ctx context.Context) (*resource.Set, error) {
		return w.loadStdin()
	}}
	w.units = append(w.units, u)
}

func (w *walker) loadStdin() (*resource.Set, error) {
	limit := max(w.opts.Limits.Plan.MaxBytes, w.opts.Limits.Manifest.MaxBytes)
	if limit <= 0 {
		limit = max(tfplan.DefaultMaxBytes, manifest.DefaultMaxBytes)
	}
	data, err := io.ReadAll(io.LimitReader(w.stdin, limit+1))
	if err != nil {
		return nil, fmt.Errorf("reading standard input: %w", err)
	}
	kind := w.opts.Kind
	if kind == KindAuto {
		kind = Detect(StdinName, data)
	}
	loc := resource.Location{File: StdinName}
	switch kind {
	case KindPlan:
		return tfplan.Load(StdinName, data, tfplan.Options{Workspace: w.opts.Workspace, Limits: w.opts.Limits.Plan})
	case KindKubernetes:
		return manifest.Load(StdinName, data, manifest.Options{Namespace: w.opts.Namespace, Limits: w.opts.Limits.Manifest})
	case KindTerraform:
		return &resource.Set{Diagnostics: resource.Diagnostics{resource.ErrorAt(loc, "Terraform source on standard input",
			"Terraform source is read a module directory at a time; name the directory instead of -")}}, nil
	}
	if len(data) == 0 {
		return &resource.Set{Diagnostics: resource.Diagnostics{resource.ErrorAt(loc, "empty input", "standard input is empty")}}, nil
	}
	return &resource.Set{Diagnostics: resource.Diagnostics{resource.ErrorAt(loc, "unrecognised input",
		"standard input is neither a Terraform plan (terraform show -json) nor Kubernetes manifests (YAML or JSON with apiVersion and kind)")}}, nil
}

// resolve drops the Terraform directories other modules call and returns
// the units to load, in walk order.
func (w *walker) resolve() []*unit {
	if len(w.tfDirs) > 1 {
		calls := map[string][]string{}
		maxBytes := w.opts.Limits.Terraform.MaxFileBytes
		if maxBytes <= 0 {
			maxBytes = hclsource.DefaultMaxFileBytes
		}
		for _, d := range w.tfDirs {
			calls[d] = localSources(d, w.tfFiles[d], maxBytes)
		}
		roots := map[string]bool{}
		for _, d := range rootModules(w.tfDirs, calls) {
			roots[d] = true
		}
		for _, d := range w.tfDirs {
			if u := w.tfUnit[d]; !roots[d] && !u.forced {
				u.drop = true
			}
		}
	}
	w.dropReferenced()
	out := make([]*unit, 0, len(w.units))
	for _, u := range w.units {
		if !u.drop {
			out = append(out, u)
		}
	}
	return out
}

func (w *walker) error(loc resource.Location, summary, detail string) {
	w.diags = append(w.diags, resource.ErrorAt(loc, summary, detail))
}

func (w *walker) warn(loc resource.Location, summary, detail string) {
	w.diags = append(w.diags, resource.WarningAt(loc, summary, detail))
}

// headBytes is how much of a file detection reads.
const headBytes = 64 << 10

// readHead reads up to n bytes of a file (the whole file when n <= 0 or
// the file is smaller) and returns them with the file's size.
func readHead(name string, n int64) ([]byte, int64, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, 0, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, 0, err
	}
	if fi.IsDir() {
		return nil, 0, fmt.Errorf("%s is a directory", name)
	}
	if n <= 0 {
		n = tfplan.DefaultMaxBytes
	}
	data, err := io.ReadAll(io.LimitReader(f, n))
	if err != nil {
		return nil, 0, err
	}
	return data, max(fi.Size(), int64(len(data))), nil
}

// looksLikeInput reports whether a file name has the extension of an input.
func looksLikeInput(name string) bool {
	base := strings.ToLower(name)
	return isYAML(base) || strings.HasSuffix(base, ".json") || strings.HasSuffix(base, ".tf")
}

// isText reports whether data (after any byte order mark) is UTF-8 text without NUL bytes.
func isText(data []byte) bool {
	data, _ = textenc.Normalize(data)
	return utf8.Valid(data) && bytes.IndexByte(data, 0) < 0
}

// isKustomizationFile reports whether name is a kustomization file.
func isKustomizationFile(name string) bool {
	base := path.Base(name)
	for _, n := range kustomize.FileNames {
		if base == n {
			return true
		}
	}
	return false
}

func isYAML(base string) bool {
	return strings.HasSuffix(base, ".yaml") || strings.HasSuffix(base, ".yml")
}

func fileExists(name string) bool {
	fi, err := os.Stat(name)
	return err == nil && fi.Mode().IsRegular()
}

// errText is an error without the path an fs.PathError repeats.
func errText(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Op + ": " + pe.Err.Error()
	}
	return err.Error()
}
