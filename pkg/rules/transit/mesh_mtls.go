package transit

import (
	"strings"

	"github.com/guardrail-dev/guardrail/pkg/clause"
	"github.com/guardrail-dev/guardrail/pkg/kube"
	"github.com/guardrail-dev/guardrail/pkg/policy"
	"github.com/guardrail-dev/guardrail/pkg/resource"
	"github.com/guardrail-dev/guardrail/pkg/rule"
)

// istioRootNamespace holds mesh-wide policies in a default Istio install.
const istioRootNamespace = "istio-system"

// MeshMTLS is GR-TLS-010.
var MeshMTLS = &rule.Rule{
	ID:       "GR-TLS-010",
	Title:    "Service mesh traffic uses strict mutual TLS",
	Control:  rule.Transit,
	Severity: policy.High,
	Clauses:  []clause.Clause{clause.AlwaysEncryptedNetwork, clause.EncryptionInTransit},
	Description: "An Istio PeerAuthentication accepts plaintext (mode PERMISSIVE or DISABLE, for the workload or for " +
		"a port), or leaves its mode UNSET where the policy it inherits from is not STRICT, or a DestinationRule " +
		"turns TLS off (tls.mode DISABLE) for traffic to a service, a port or a subset.",
	Remediation: "Set mtls.mode: STRICT on the PeerAuthentication (and on every portLevelMtls entry), and use " +
		"ISTIO_MUTUAL or MUTUAL in DestinationRules.",
	Formats: []resource.Format{resource.FormatKubernetes},
	Types:   []string{"PeerAuthentication", "DestinationRule"},
	Check: func(p *rule.Pass, r *resource.Resource) {
		switch {
		case r.Type == "PeerAuthentication" && kube.Group(r.APIVersion) == "security.istio.io":
			peerAuthentication(p, r)
		case r.Type == "DestinationRule" && kube.Group(r.APIVersion) == "networking.istio.io":
			destinationRule(p, r)
		}
	},
}

func peerAuthentication(p *rule.Pass, r *resource.Resource) {
	mode := r.Get("spec", "mtls", "mode")
	switch m := strings.ToUpper(mode.String()); m {
	case "PERMISSIVE", "DISABLE":
		p.ReportValue(r, mode, "mutual TLS mode is %s, so %s accept plaintext traffic", m, scope(r))
	case "", "UNSET":
		if r.Get("spec", "portLevelMtls").Len() == 0 {
			inherited(p, r)
		}
	}
	pl := r.Get("spec", "portLevelMtls")
	for _, port := range pl.Keys() {
		m := pl.Get(port, "mode")
		if s := strings.ToUpper(m.String()); s == "PERMISSIVE" || s == "DISABLE" {
			p.ReportValue(r, m, "port %s of the selected workloads accepts plaintext traffic (mode %s)", port, s)
		}
	}
}

func hasSelector(r *resource.Resource) bool {
	return r.Get("spec", "selector", "matchLabels").Len() > 0
}

func scope(r *resource.Resource) string {
	switch {
	case hasSelector(r):
		return "the selected workloads"
	case r.Namespace == istioRootNamespace:
		return "workloads across the mesh"
	}
	return "workloads of namespace " + r.Namespace
}

// inherited judges a PeerAuthentication whose mode is UNSET by the policy it
// inherits from: the namespace-wide one, then the mesh-wide one. A parent
// that accepts plaintext is reported on its own.
func inherited(p *rule.Pass, r *resource.Resource) {
	var chain []string
	if hasSelector(r) {
		chain = append(chain, r.Namespace)
	}
	if r.Namespace != istioRootNamespace || hasSelector(r) {
		chain = append(chain, istioRootNamespace)
	}
	for _, ns := range chain {
		parent := namespaceWide(p, ns, r)
		if parent == nil {
			continue
		}
		switch strings.ToUpper(parent.Get("spec", "mtls", "mode").String()) {
		case "", "UNSET":
			continue
		case "STRICT":
			return
		}
		return // PERMISSIVE or DISABLE: reported on the parent
	}
	where := resource.Path{resource.Key("spec")}
	if len(chain) == 0 {
		p.Report(r, where, "the mesh-wide mutual TLS mode is UNSET, so Istio's default, PERMISSIVE, accepts plaintext traffic")
		return
	}
	p.UndecidableBecause(r, where, "whether "+scope(r)+" accept plaintext traffic",
		"the mode is UNSET and the PeerAuthentication it inherits from (in namespace "+strings.Join(chain, ", then ")+
			") is not in the inputs; Istio's default is PERMISSIVE")
}

// namespaceWide returns the PeerAuthentication without a selector in namespace ns, other than r.
func namespaceWide(p *rule.Pass, ns string, r *resource.Resource) *resource.Resource {
	for _, pa := range p.Index.ByType("PeerAuthentication") {
		if pa != r && pa.Namespace == ns && kube.Group(pa.APIVersion) == "security.istio.io" && !hasSelector(pa) {
			return pa
		}
	}
	return nil
}

func destinationRule(p *rule.Pass, r *resource.Resource) {
	check := func(tp resource.Value, where string) {
		m := tp.Get("tls", "mode")
		if strings.EqualFold(m.String(), "DISABLE") {
			p.ReportValue(r, m, "traffic %s is sent without TLS (tls.mode DISABLE)", where)
		}
		for _, ps := range tp.Get("portLevelSettings").List() {
			m := ps.Get("tls", "mode")
			if strings.EqualFold(m.String(), "DISABLE") {
				p.ReportValue(r, m, "traffic %s on port %s is sent without TLS (tls.mode DISABLE)", where, ps.Get("port", "number").String())
			}
		}
	}
	host := r.Get("spec", "host").String()
	check(r.Get("spec", "trafficPolicy"), "to "+host)
	for _, ss := range r.Get("spec", "subsets").List() {
		check(ss.Get("trafficPolicy"), "to subset "+ss.Get("name").String()+" of "+host)
	}
}
