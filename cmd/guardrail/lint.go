package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/guardrail-dev/guardrail/pkg/engine"
	"github.com/guardrail-dev/guardrail/pkg/load"
	"github.com/guardrail-dev/guardrail/pkg/policy"
	"github.com/guardrail-dev/guardrail/pkg/report"
)

type lintFlags struct {
	policyFile string
	formats    []string
	output     string
	threshold  string
	env        string
	kind       string
	varFiles   []string
	vars       []string
	workspace  string
	namespace  string
	noColor    bool
	showWaived bool
	baseDir    string
	render     renderFlags
	approvals  approvalFlags
	limits     limitFlags
}

func lintCommand() *cobra.Command {
	var f lintFlags
	cmd := &cobra.Command{
		Use:   "lint [PATH...]",
		Short: "Judge Terraform and Kubernetes inputs against the policy",
		Long: "lint loads the inputs (Terraform root modules, `terraform show -json` plans, Kubernetes manifests;\n" +
			"directories are walked, - reads standard input), places each resource in its environment, runs every rule\n" +
			"and reports the findings. Kustomize overlays (-k, or a directory holding kustomization.yaml) and Helm charts\n" +
			"(--helm, or a directory holding Chart.yaml) are rendered in-process; nothing is downloaded.\n\n" +
			"--format may be given more than once; FORMAT=FILE writes that format to a file, e.g.\n" +
			"  guardrail lint --format text --format sarif=results.sarif --format junit=junit.xml envs/\n\n" +
			"Exit codes: 0 nothing fails, 1 a finding fails at or above --severity-threshold, 2 usage or input error.",
		Example: "  guardrail lint examples/\n" +
			"  terraform show -json plan.out | guardrail lint --policy policy.yaml -\n" +
			"  guardrail lint --env prod --format github k8s/\n" +
			"  guardrail lint -k overlays/prod -k overlays/dev\n" +
			"  guardrail lint --helm charts/shop --values charts/shop/values-prod.yaml --namespace shop-prod\n" +
			"  guardrail lint --author \"$(git log -1 --format=%ae)\" --deployer ci@acme.com plan.json   # reads plan.approvals.json",
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 && !f.render.any() {
				args = []string{"."}
			}
			return lint(cmd, args, f)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&f.policyFile, "policy", "p", "", "policy file (default: the built-in policy; see `guardrail policy default`)")
	fl.StringArrayVarP(&f.formats, "format", "f", []string{"text"}, "report format: text, json, sarif, junit, github, clauses; FORMAT=FILE writes to a file")
	fl.StringVarP(&f.output, "output", "o", "", "write the report to this file instead of standard output")
	fl.StringVar(&f.threshold, "severity-threshold", "low", "lowest severity of deny findings that fails the run: critical, high, medium, low, info")
	fl.StringVar(&f.env, "env", "", "place every resource in this environment instead of detecting it")
	fl.StringVar(&f.kind, "kind", "", "read every input as this kind instead of detecting it: terraform, plan, kubernetes")
	fl.StringArrayVar(&f.varFiles, "var-file", nil, "Terraform variable file for root modules (repeatable)")
	fl.StringArrayVar(&f.vars, "var", nil, "Terraform variable NAME=VALUE for root modules (repeatable)")
	fl.StringVar(&f.workspace, "workspace", "", "Terraform workspace of root modules and plans (default: TF_WORKSPACE or .terraform/environment)")
	fl.StringVarP(&f.namespace, "namespace", "n", "", "namespace of Kubernetes objects that name none, and the release namespace of Helm charts")
	fl.BoolVar(&f.noColor, "no-color", false, "never colour the text report (default: colour when writing to a terminal and NO_COLOR is unset)")
	fl.BoolVar(&f.showWaived, "show-waived", false, "show waived findings in full in the text report")
	f.render.register(fl)
	f.approvals.register(fl)
	f.limits.register(fl)
	fl.StringVar(&f.baseDir, "base-dir", "", "make paths in SARIF, JUnit and GitHub output relative to this directory (default: GITHUB_WORKSPACE or the current directory)")
	return cmd
}

type output struct {
	format report.Format
	file   string
}

func parseOutputs(f lintFlags) ([]output, error) {
	var outs []output
	for _, spec := range f.formats {
		name, file, _ := strings.Cut(spec, "=")
		format, err := report.ParseFormat(name)
		if err != nil {
			return nil, err
		}
		outs = append(outs, output{format, file})
	}
	if f.output != "" {
		stdoutCount := 0
		for i := range outs {
			if outs[i].file == "" {
				outs[i].file = f.output
				stdoutCount++
			}
		}
		if stdoutCount > 1 {
			return nil, errors.New("--output names one file but several formats would be written to it; use FORMAT=FILE")
		}
	}
	return outs, nil
}

func usage(err error) error { return &codeError{code: exitError, err: err} }

func lint(cmd *cobra.Command, paths []string, f lintFlags) error {
	threshold, err := policy.ParseSeverity(f.threshold)
	if err != nil {
		return usage(fmt.Errorf("--severity-threshold: %w", err))
	}
	outs, err := parseOutputs(f)
	if err != nil {
		return usage(err)
	}
	vars := map[string]string{}
	for _, v := range f.vars {
		name, value, ok := strings.Cut(v, "=")
		if !ok || name == "" {
			return usage(fmt.Errorf("--var %q: want NAME=VALUE", v))
		}
		vars[name] = value
	}
	if err := f.render.check(); err != nil {
		return usage(err)
	}
	pol := policy.MustCompile(policy.Default())
	if f.policyFile != "" {
		if pol, err = policy.Load(f.policyFile); err != nil {
			return usage(err)
		}
	}
	if f.env != "" {
		if _, ok := pol.Env(f.env); !ok {
			return usage(fmt.Errorf("--env %q is not an environment of the policy", f.env))
		}
	}
	workspace := f.workspace
	if workspace == "" {
		workspace = os.Getenv("TF_WORKSPACE")
	}

	ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt)
	defer stop()
	progress := newProgress(cmd.ErrOrStderr())
	start := time.Now()
	loadOpts, err := f.limits.apply(f.render.apply(load.Options{
		Kind: load.Kind(f.kind), VarFiles: f.varFiles, Vars: vars, Workspace: workspace, Namespace: f.namespace,
		Stdin: cmd.InOrStdin(),
	}))
	if err != nil {
		progress.done()
		return usage(err)
	}
	set, err := load.Load(ctx, paths, loadOpts)
	if err != nil {
		progress.done()
		return usage(err)
	}
	set.Diagnostics = append(set.Diagnostics, ruleKeyDiagnostics(pol, f.policyFile, policyRegistry(pol))...)
	progress.phase(fmt.Sprintf("loaded %d resources in %s; evaluating...", len(set.Resources), time.Since(start).Round(time.Millisecond)))
	ac, err := f.approvals.context(set)
	if err != nil {
		progress.done()
		return usage(err)
	}
	res, err := engine.Evaluate(ctx, pol, set, engine.Options{Env: f.env, ReportUnusedWaivers: true, PolicyFile: policyName(f.policyFile), Approval: ac})
	progress.done()
	if err != nil {
		return usage(err)
	}

	opts := report.Options{
		Sources: set.Sources, ToolVersion: toolVersion(), ShowWaived: f.showWaived,
		BaseDir: baseDir(f.baseDir), MinSeverity: threshold,
	}
	for _, o := range outs {
		if err := writeReport(cmd.OutOrStdout(), res, o, opts, !f.noColor); err != nil {
			return usage(err)
		}
	}
	switch {
	case res.Diagnostics.HasErrors():
		return &codeError{code: exitError}
	case res.Fails(threshold):
		return &codeError{code: exitFindings}
	}
	return nil
}

func policyName(file string) string {
	if file == "" {
		return "(built-in policy)"
	}
	return file
}

func baseDir(flag string) string {
	if flag != "" {
		return flag
	}
	if ws := os.Getenv("GITHUB_WORKSPACE"); ws != "" {
		return ws
	}
	wd, _ := os.Getwd()
	return wd
}

func writeReport(stdout io.Writer, res *engine.Result, o output, opts report.Options, colorAllowed bool) error {
	w := stdout
	if o.file != "" {
		if dir := filepath.Dir(o.file); dir != "." {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return err
			}
		}
		file, err := os.Create(o.file)
		if err != nil {
			return err
		}
		defer file.Close()
		w = file
	} else if o.format == report.Text && colorAllowed && os.Getenv("NO_COLOR") == "" && isTerminal(stdout) {
		opts.Color = true
	}
	if err := report.Write(w, res, o.format, opts); err != nil {
		return fmt.Errorf("writing %s report: %w", o.format, err)
	}
	if f, ok := w.(*os.File); ok && o.file != "" {
		return f.Close()
	}
	return nil
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// progress reports the phases of a long run on one line of a terminal; it
// prints nothing when stderr is not a terminal, nor for runs that finish
// before the first phase has taken half a second.
type progress struct {
	w       io.Writer
	on      bool
	start   time.Time
	printed bool
}

func newProgress(w io.Writer) *progress {
	return &progress{w: w, on: isTerminal(w), start: time.Now()}
}

// phase announces a phase, once the run has been going for a while.
func (p *progress) phase(msg string) {
	if !p.on || time.Since(p.start) < 500*time.Millisecond {
		return
	}
	fmt.Fprintf(p.w, "\r\033[K%s", msg)
	p.printed = true
}

// done clears the line.
func (p *progress) done() {
	if p.printed {
		fmt.Fprint(p.w, "\r\033[K")
	}
}
