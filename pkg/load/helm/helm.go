package helm

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"

	"helm.sh/helm/v4/pkg/chart/common"
	"helm.sh/helm/v4/pkg/chart/common/util"
	chart "helm.sh/helm/v4/pkg/chart/v2"
	"helm.sh/helm/v4/pkg/chart/v2/loader"
	chartutil "helm.sh/helm/v4/pkg/chart/v2/util"
	"helm.sh/helm/v4/pkg/engine"
	"helm.sh/helm/v4/pkg/strvals"
	"sigs.k8s.io/yaml"

	"github.com/guardrail-dev/guardrail/pkg/load/manifest"
	"github.com/guardrail-dev/guardrail/pkg/resource"
	"github.com/guardrail-dev/guardrail/pkg/yamldoc"
)

// DefaultReleaseName is the release name when none is given, as with `helm template`.
const DefaultReleaseName = "release-name"

// DefaultNamespace is .Release.Namespace when no namespace is given.
const DefaultNamespace = "default"

// ChartFile is the file that makes a directory a chart.
const ChartFile = "Chart.yaml"

// Options tune Load. The zero value renders with the chart's default values.
type Options struct {
	// ReleaseName is .Release.Name; empty means DefaultReleaseName.
	ReleaseName string
	// Namespace is .Release.Namespace, and the namespace of the namespaced
	// objects the chart renders without one. Empty leaves those objects
	// without a namespace and .Release.Namespace "default".
	Namespace string
	// ValueFiles are values files, merged in order over the chart's values.yaml.
	ValueFiles []string
	// Set are --set assignments (a.b=c,d[0]=e), applied after the files.
	Set []string
	// Limits bound each rendered template.
	Limits manifest.Limits
}

// IsChart reports whether dir holds a Chart.yaml.
func IsChart(dir string) bool {
	fi, err := os.Stat(filepath.Join(filepath.FromSlash(dir), ChartFile))
	return err == nil && fi.Mode().IsRegular()
}

// ValuesError is a problem with the values given: a values file that cannot
// be read or parsed, or a --set assignment helm cannot parse.
type ValuesError struct {
	// File is the values file, or "--set".
	File string
	Line int
	Err  error
}

// Error names the values file (and line) or --set, and the problem.
func (e *ValuesError) Error() string {
	if e.File == "--set" {
		return "--set: " + e.Err.Error()
	}
	if e.Line > 0 {
		return fmt.Sprintf("values file %s:%d: %v", e.File, e.Line, e.Err)
	}
	return fmt.Sprintf("values file %s: %v", e.File, e.Err)
}

// Unwrap returns the underlying error.
func (e *ValuesError) Unwrap() error { return e.Err }

// maxValuesBytes bounds a values file.
const maxValuesBytes = 16 << 20

// Values merges the values files and --set assignments of opts, as helm
// does: files in order, a later file's keys over an earlier's (maps merged
// key by key), then each --set. Only local files are read.
func (opts Options) Values() (map[string]any, error) {
	base := map[string]any{}
	for _, file := range opts.ValueFiles {
		if strings.Contains(file, "://") {
			return nil, &ValuesError{File: file, Err: errors.New("only local values files are read; guardrail never downloads")}
		}
		data, err := readLimited(file, maxValuesBytes)
		if err != nil {
			return nil, &ValuesError{File: file, Err: errors.New(errText(err))}
		}
		var m map[string]any
		if err := yaml.Unmarshal(data, &m); err != nil {
			return nil, &ValuesError{File: file, Line: lineOf(err.Error()), Err: errors.New(strings.TrimPrefix(err.Error(), "error converting YAML to JSON: "))}
		}
		base = mergeMaps(base, m)
	}
	for _, s := range opts.Set {
		if err := strvals.ParseInto(s, base); err != nil {
			return nil, &ValuesError{File: "--set", Err: fmt.Errorf("%q: %v", s, err)}
		}
	}
	return base, nil
}

// mergeMaps merges b over a, as helm merges values files.
func mergeMaps(a, b map[string]any) map[string]any {
	out := make(map[string]any, len(a))
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		if vm, ok := v.(map[string]any); ok {
			if bv, ok := out[k].(map[string]any); ok {
				out[k] = mergeMaps(bv, vm)
				continue
			}
		}
		out[k] = v
	}
	return out
}

// Load renders the chart in dir and loads the objects it renders. Problems
// with the chart, its values or its output are diagnostics in the returned
// Set; the error is for a cancelled ctx.
func Load(ctx context.Context, dir string, opts Options) (set *resource.Set, err error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	dir = path.Clean(filepath.ToSlash(dir))
	set = &resource.Set{}
	r := &renderer{dir: dir, opts: opts, set: set}
	defer func() {
		if p := recover(); p != nil {
			r.errorf(resource.Location{File: r.chartFile(), Line: 1}, "chart could not be rendered",
				"internal error in Helm: %v; please report it with the chart\n%s", p, debug.Stack())
			set, err = r.set, nil
		}
	}()
	r.render(ctx)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return set, nil
}

type renderer struct {
	dir  string
	opts Options
	set  *resource.Set
}

func (r *renderer) chartFile() string { return path.Join(r.dir, ChartFile) }

func (r *renderer) errorf(loc resource.Location, summary, format string, args ...any) {
	if loc.Line == 0 {
		loc.Line = 1
	}
	r.set.Diagnostics = append(r.set.Diagnostics, resource.ErrorAt(loc, summary, fmt.Sprintf(format, args...)))
}

func (r *renderer) render(ctx context.Context) {
	meta, ok := r.chartYAML()
	if !ok {
		return
	}
	ch, err := loader.LoadDir(filepath.FromSlash(r.dir))
	if err != nil {
		r.errorf(resource.Location{File: r.chartFile(), Line: lineOf(err.Error())}, "chart could not be loaded", "%s", cleanError(err))
		return
	}
	if !r.dependencies(ch, meta) {
		return
	}
	vals, err := r.opts.Values()
	if err != nil {
		var ve *ValuesError
		if errors.As(err, &ve) && ve.File != "--set" {
			r.errorf(resource.Location{File: filepath.ToSlash(ve.File), Line: ve.Line}, "values file could not be read", "%v", ve.Err)
		} else {
			r.errorf(resource.Location{File: r.chartFile()}, "invalid --set", "%v", err)
		}
		return
	}
	if err := chartutil.ProcessDependencies(ch, vals); err != nil {
		r.errorf(resource.Location{File: r.chartFile()}, "chart dependencies could not be processed", "%s", cleanError(err))
		return
	}
	name := r.opts.ReleaseName
	if name == "" {
		name = DefaultReleaseName
	}
	ns := r.opts.Namespace
	if ns == "" {
		ns = DefaultNamespace
	}
	options := common.ReleaseOptions{Name: name, Namespace: ns, Revision: 1, IsInstall: true}
	top, err := util.ToRenderValuesWithSchemaValidation(ch, vals, options, common.DefaultCapabilities.Copy(), false)
	if err != nil {
		file := path.Join(r.dir, "values.schema.json")
		if _, serr := os.Stat(filepath.FromSlash(file)); serr != nil {
			file = path.Join(r.dir, "values.yaml")
		}
		r.errorf(resource.Location{File: file}, "values do not meet the chart's schema", "%s", cleanError(err))
		return
	}
	if err := ctx.Err(); err != nil {
		return
	}
	rendered, err := engine.Engine{}.RenderWithContext(ctx, ch, top)
	if err != nil {
		r.templateError(ch, err)
		return
	}
	names := make([]string, 0, len(rendered))
	for n := range rendered {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if strings.HasSuffix(n, "NOTES.txt") || strings.HasPrefix(path.Base(n), "_") {
			continue
		}
		if text := sourceText(n, rendered[n]); text != "" {
			r.load(r.diskName(ch, n), []byte(text))
		}
	}
	for _, crd := range ch.CRDObjects() {
		if crd.File != nil {
			r.load(r.diskName(ch, crd.Filename), crd.File.Data)
		}
	}
}

// load reads the objects of one rendered template.
func (r *renderer) load(name string, data []byte) {
	s, _ := manifest.Load(name, data, manifest.Options{Namespace: r.opts.Namespace, Limits: r.opts.Limits})
	for _, res := range s.Resources {
		res.Unit = r.dir
	}
	r.set.Add(s)
}

// chartYAML reads Chart.yaml for the positions of its fields.
func (r *renderer) chartYAML() (*yamldoc.Document, bool) {
	name := r.chartFile()
	data, err := readLimited(name, maxValuesBytes)
	if err != nil {
		r.errorf(resource.Location{File: name}, "chart could not be loaded", "%s", errText(err))
		return nil, false
	}
	docs, err := yamldoc.Parse(data, yamldoc.Limits{})
	if err != nil {
		var ye *yamldoc.Error
		line := 1
		if errors.As(err, &ye) {
			line = ye.Line
		}
		r.errorf(resource.Location{File: name, Line: line}, "invalid Chart.yaml", "%v", err)
		return nil, false
	}
	if len(docs) > 0 && docs[0].Err != nil {
		d := docs[0]
		r.errorf(resource.Location{File: name, Line: d.Err.Line, Column: d.Err.Column}, "invalid Chart.yaml", "%s", d.Err.Reason)
		return nil, false
	}
	if len(docs) == 0 || docs[0].Root == nil {
		r.errorf(resource.Location{File: name}, "invalid Chart.yaml", "Chart.yaml is empty; it names the chart (apiVersion, name, version)")
		return nil, false
	}
	if _, ok := docs[0].Value.(map[string]any); !ok {
		r.errorf(resource.Location{File: name, Line: docs[0].Line}, "invalid Chart.yaml", "Chart.yaml is a mapping with apiVersion, name and version")
		return nil, false
	}
	return &docs[0], true
}

// dependencies reports the dependencies Chart.yaml declares that are not
// vendored under charts/.
func (r *renderer) dependencies(ch *chart.Chart, meta *yamldoc.Document) bool {
	if ch.Metadata == nil {
		return true
	}
	have := map[string]bool{}
	for _, d := range ch.Dependencies() {
		have[d.Name()] = true
	}
	ok := true
	for i, d := range ch.Metadata.Dependencies {
		if d == nil || have[d.Name] {
			continue
		}
		ok = false
		line, col := yamldoc.Locate(meta.Root, resource.Path{resource.Key("dependencies"), resource.Index(i)})
		from := ""
		if d.Repository != "" {
			from = " from " + d.Repository
		}
		version := ""
		if d.Version != "" {
			version = " " + d.Version
		}
		r.errorf(resource.Location{File: r.chartFile(), Line: line, Column: col}, "chart dependency missing",
			"dependency %q%s%s is declared in Chart.yaml but not vendored under %s/charts/; guardrail never downloads charts: "+
				"run `helm dependency build %s` and commit charts/", d.Name, version, from, r.dir, r.dir)
	}
	return ok
}

// diskName maps a template's name in the engine (chart/templates/x.yaml,
// chart/charts/sub/templates/y.yaml) to its path under the chart directory.
func (r *renderer) diskName(ch *chart.Chart, name string) string {
	if rest, ok := strings.CutPrefix(name, ch.Name()+"/"); ok {
		return path.Join(r.dir, rest)
	}
	return path.Join(r.dir, name)
}

// Template error locations: "parse error at (chart/templates/x.yaml:3)",
// "execution error at (chart/templates/x.yaml:5:14)", or a trace line
// "chart/templates/x.yaml:4:20".
var (
	parenLocRE = regexp.MustCompile(`\(([^()\s]+?):(\d+)(?::(\d+))?\)`)
	traceLocRE = regexp.MustCompile(`(?m)^\s*([^\s:()]+):(\d+)(?::(\d+))?\s*$`)
	templateRE = regexp.MustCompile(`template: ([^\s:]+):(\d+)(?::(\d+))?:`)
)

// templateError reports a rendering error at the template line it names.
func (r *renderer) templateError(ch *chart.Chart, err error) {
	msg := strings.TrimSpace(err.Error())
	loc := resource.Location{File: r.chartFile(), Line: 1}
	for _, re := range []*regexp.Regexp{parenLocRE, templateRE, traceLocRE} {
		m := re.FindStringSubmatch(msg)
		if m == nil {
			continue
		}
		loc.File = r.diskName(ch, m[1])
		loc.Line, _ = strconv.Atoi(m[2])
		if m[3] != "" {
			loc.Column, _ = strconv.Atoi(m[3])
		}
		break
	}
	summary := "chart could not be rendered"
	switch {
	case strings.Contains(msg, "parse error"):
		summary = "template syntax error"
	case strings.Contains(msg, "execution error"), strings.Contains(msg, "executing"):
		summary = "template failed"
	}
	detail := strings.Join(strings.Fields(msg), " ")
	if summary == "template failed" {
		detail += " (a value the template needs may be missing: set it in a values file given with --values, or with --set)"
	}
	r.errorf(loc, summary, "%s", detail)
}

// sourceText is one template's rendered output as guardrail locates it: each
// document holding more than comments after "---" and "# Source: name".
func sourceText(name, content string) string {
	var b strings.Builder
	for _, c := range yamldoc.Split([]byte(content)) {
		d := strings.TrimSpace(string(c.Data))
		if d == "" || onlyComments(d) || len(yamldoc.Split([]byte(d))) != 1 {
			continue // nothing but comments and markers ("..." once trimmed)
		}
		fmt.Fprintf(&b, "---\n# Source: %s\n%s\n", name, d)
	}
	return b.String()
}

func onlyComments(d string) bool {
	for _, l := range strings.Split(d, "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			return false
		}
	}
	return true
}

var lineRE = regexp.MustCompile(`line (\d+)`)

func lineOf(msg string) int {
	if m := lineRE.FindStringSubmatch(msg); m != nil {
		n, _ := strconv.Atoi(m[1])
		return n
	}
	return 0
}

// cleanError makes absolute paths in Helm's errors relative to the working directory.
func cleanError(err error) string {
	msg := err.Error()
	if wd, werr := os.Getwd(); werr == nil {
		msg = strings.ReplaceAll(msg, wd+string(filepath.Separator), "")
	}
	return msg
}

func readLimited(name string, limit int64) ([]byte, error) {
	f, err := os.Open(filepath.FromSlash(name))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("over the size limit of %d bytes", limit)
	}
	return data, nil
}

// errText is an error without the path an fs.PathError repeats.
func errText(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		if errors.Is(pe.Err, fs.ErrNotExist) {
			return "no such file or directory"
		}
		return pe.Err.Error()
	}
	return err.Error()
}
