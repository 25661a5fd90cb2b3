package transit

import (
	"encoding/json"
	"strings"

	networkingv1 "k8s.io/api/networking/v1"

	"github.com/guardrail-dev/guardrail/pkg/clause"
	"github.com/guardrail-dev/guardrail/pkg/kube"
	"github.com/guardrail-dev/guardrail/pkg/policy"
	"github.com/guardrail-dev/guardrail/pkg/resource"
	"github.com/guardrail-dev/guardrail/pkg/rule"
)

// sslRedirectOff are ingress controller annotations that keep plain HTTP served next to TLS.
var sslRedirectOff = []string{
	"nginx.ingress.kubernetes.io/ssl-redirect",
	"ingress.kubernetes.io/ssl-redirect",
}

// Annotations by which controllers terminate TLS without a tls section.
const (
	albCertificate = "alb.ingress.kubernetes.io/certificate-arn"
	albListenPorts = "alb.ingress.kubernetes.io/listen-ports"
	albSSLRedirect = "alb.ingress.kubernetes.io/ssl-redirect"
	gkePreShared   = "ingress.gcp.kubernetes.io/pre-shared-cert"
	gkeManaged     = "networking.gke.io/managed-certificates"
	gkeAllowHTTP   = "kubernetes.io/ingress.allow-http"
	gkeFrontend    = "networking.gke.io/v1beta1.FrontendConfig"
	traefikTLS     = "traefik.ingress.kubernetes.io/router.tls"
	ingressClass   = "kubernetes.io/ingress.class"
	acmeSolver     = "acme.cert-manager.io/http01-solver"
)

// IngressTLS is GR-TLS-008.
var IngressTLS = &rule.Rule{
	ID:       "GR-TLS-008",
	Title:    "Ingresses terminate TLS for every host",
	Control:  rule.Transit,
	Severity: policy.High,
	Clauses:  []clause.Clause{clause.EncryptionInTransit, clause.AlwaysEncryptedNetwork, clause.EncryptedProtocolsOnly},
	Description: "An Ingress has no tls section (nor a controller's TLS annotation: AWS Load Balancer Controller " +
		"certificate-arn, GKE pre-shared or managed certificates, Traefik router.tls), leaves some of its hosts " +
		"out of it, or keeps plain HTTP served next to TLS (ssl-redirect off, an ALB HTTP listener without " +
		"ssl-redirect, a GKE Ingress allowing HTTP without a redirecting FrontendConfig), so clients reach the " +
		"service over plain HTTP. cert-manager's HTTP-01 solver Ingresses are not judged.",
	Remediation: "Add a tls entry listing every host with a certificate Secret (cert-manager can issue it), and keep " +
		"the controller's HTTP-to-HTTPS redirect on.",
	Formats: []resource.Format{resource.FormatKubernetes},
	Types:   []string{"Ingress"},
	Peers: rule.Peers{
		Polaris:   []string{"tlsSettingsMissing"},
		Terrascan: []string{"AC_K8S_0002"},
	},
	Check: func(p *rule.Pass, r *resource.Resource) {
		if r.Labels[acmeSolver] == "true" {
			return // cert-manager answers an ACME HTTP-01 challenge, which must be plain HTTP
		}
		ing, err := kube.Ingress(r)
		if err != nil {
			p.UndecidableBecause(r, nil, "whether the Ingress serves TLS", err.Error())
			return
		}
		spec := resource.Path{resource.Key("spec")}
		ann := func(k string) resource.Path {
			return resource.Path{resource.Key("metadata"), resource.Key("annotations"), resource.Key(k)}
		}
		class := ingressClassOf(r, ing)
		switch {
		case r.Annotations[albCertificate] != "":
			if ports := r.Annotations[albListenPorts]; listensHTTP(ports) && r.Annotations[albSSLRedirect] == "" {
				p.Report(r, ann(albListenPorts), "the ALB listens on plain HTTP (%s) and %s is not set, so HTTP requests are served", ports, albSSLRedirect)
			}
			return
		case r.Annotations[gkePreShared] != "" || r.Annotations[gkeManaged] != "":
		case strings.EqualFold(r.Annotations[traefikTLS], "true"):
			return
		case len(ing.Spec.TLS) == 0:
			p.Report(r, spec, "the Ingress has no tls section, so it serves plain HTTP")
			return
		}
		if class == "gce" || class == "gce-internal" || r.Annotations[gkePreShared] != "" || r.Annotations[gkeManaged] != "" {
			gkeHTTP(p, r, ann)
		}
		if len(ing.Spec.TLS) > 0 {
			uncoveredHosts(p, r, ing, spec)
		}
		for _, k := range sslRedirectOff {
			if v, ok := r.Annotations[k]; ok && strings.EqualFold(v, "false") {
				p.Report(r, ann(k), "annotation %s=false keeps plain HTTP served next to TLS", k)
			}
		}
	},
}

func ingressClassOf(r *resource.Resource, ing *networkingv1.Ingress) string {
	if ing.Spec.IngressClassName != nil {
		return *ing.Spec.IngressClassName
	}
	return r.Annotations[ingressClass]
}

// listensHTTP reports whether an ALB listen-ports annotation opens an HTTP listener.
func listensHTTP(ports string) bool {
	if ports == "" {
		return false // with a certificate, the default is HTTPS:443 only
	}
	var list []map[string]int
	if err := json.Unmarshal([]byte(ports), &list); err != nil {
		return strings.Contains(strings.ToUpper(ports), `"HTTP"`)
	}
	for _, m := range list {
		if _, ok := m["HTTP"]; ok {
			return true
		}
	}
	return false
}

// gkeHTTP reports a GKE Ingress that serves HTTP next to HTTPS: GKE does so
// unless kubernetes.io/ingress.allow-http is false or a FrontendConfig of the
// inputs redirects to HTTPS.
func gkeHTTP(p *rule.Pass, r *resource.Resource, ann func(string) resource.Path) {
	if strings.EqualFold(r.Annotations[gkeAllowHTTP], "false") {
		return
	}
	if name := r.Annotations[gkeFrontend]; name != "" {
		fc, ok := p.Index.Object("FrontendConfig", r.Namespace, name)
		if !ok {
			p.UndecidableBecause(r, ann(gkeFrontend), "whether the GKE Ingress redirects HTTP to HTTPS", "FrontendConfig "+name+" is not in the inputs")
			return
		}
		if fc.Get("spec", "redirectToHttps", "enabled").BoolOr(false) {
			return
		}
	}
	p.Report(r, resource.Path{resource.Key("metadata"), resource.Key("annotations")},
		"GKE serves the Ingress on plain HTTP next to HTTPS: set %s to \"false\" or redirect with a FrontendConfig", gkeAllowHTTP)
}

// uncoveredHosts reports rule hosts that no tls entry lists.
func uncoveredHosts(p *rule.Pass, r *resource.Resource, ing *networkingv1.Ingress, spec resource.Path) {
	covered := map[string]bool{}
	var wildcards []string
	for _, t := range ing.Spec.TLS {
		for _, h := range t.Hosts {
			covered[strings.ToLower(h)] = true
			if strings.HasPrefix(h, "*.") {
				wildcards = append(wildcards, strings.ToLower(h[1:]))
			}
		}
	}
	for i, rl := range ing.Spec.Rules {
		h := strings.ToLower(rl.Host)
		if h == "" || covered[h] || coveredByWildcard(h, wildcards) {
			continue
		}
		// A tls entry without hosts covers the controller's default host only.
		p.Report(r, spec.Append(resource.Key("rules"), resource.Index(i), resource.Key("host")),
			"host %q is not listed in the tls section, so it is served over plain HTTP", rl.Host)
	}
}

func coveredByWildcard(host string, suffixes []string) bool {
	for _, s := range suffixes {
		if strings.HasSuffix(host, s) && !strings.Contains(strings.TrimSuffix(host, s), ".") {
			return true
		}
	}
	return false
}
