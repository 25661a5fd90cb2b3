package main

import (
	"errors"

	"github.com/spf13/pflag"

	"github.com/guardrail-dev/guardrail/pkg/load"
	"github.com/guardrail-dev/guardrail/pkg/load/helm"
)

// renderFlags are lint's flags for inputs rendered in-process: Kustomize
// overlays and Helm charts.
type renderFlags struct {
	kustomizations []string
	charts         []string
	values         []string
	set            []string
	releaseName    string
}

func (r *renderFlags) register(fl *pflag.FlagSet) {
	fl.StringArrayVarP(&r.kustomizations, "kustomize", "k", nil,
		"build the kustomization in DIR in-process, as kubectl -k, and lint what it renders (repeatable; directories walked build the kustomizations they hold)")
	fl.StringArrayVar(&r.charts, "helm", nil,
		"render the Helm chart in DIR in-process, as helm template, and lint what it renders (repeatable; directories walked render the charts they hold with default values)")
	fl.StringArrayVar(&r.values, "values", nil, "values file for the charts named with --helm (repeatable; a later file wins)")
	fl.StringArrayVar(&r.set, "set", nil, "value for the charts named with --helm, as helm's --set a.b=c (repeatable)")
	fl.StringVar(&r.releaseName, "release-name", "", "release name of the charts named with --helm (default "+helm.DefaultReleaseName+"); --namespace is the release namespace")
}

// any reports whether inputs are named through these flags, so that lint
// does not default to the current directory.
func (r *renderFlags) any() bool { return len(r.kustomizations)+len(r.charts) > 0 }

// check reports a usage mistake: chart settings without a chart, a values
// file that cannot be read, a --set helm cannot parse.
func (r *renderFlags) check() error {
	if len(r.charts) == 0 && (len(r.values) > 0 || len(r.set) > 0 || r.releaseName != "") {
		return errors.New("--values, --set and --release-name apply to charts named with --helm; name the chart")
	}
	_, err := r.helm().Values()
	return err
}

func (r *renderFlags) helm() helm.Options {
	return helm.Options{ValueFiles: r.values, Set: r.set, ReleaseName: r.releaseName}
}

// apply adds the kustomizations and charts to the load options.
func (r *renderFlags) apply(o load.Options) load.Options {
	o.Kustomizations = r.kustomizations
	o.Charts = r.charts
	o.Helm = r.helm()
	return o
}
