package transit

import (
	"strings"

	"github.com/guardrail-dev/guardrail/pkg/clause"
	"github.com/guardrail-dev/guardrail/pkg/kube"
	"github.com/guardrail-dev/guardrail/pkg/policy"
	"github.com/guardrail-dev/guardrail/pkg/resource"
	"github.com/guardrail-dev/guardrail/pkg/rule"
)

const gatewayAPIGroup = "gateway.networking.k8s.io"

// GatewayHTTP is GR-TLS-011.
var GatewayHTTP = &rule.Rule{
	ID:       "GR-TLS-011",
	Title:    "Gateways serve HTTP only to redirect to HTTPS",
	Control:  rule.Transit,
	Severity: policy.High,
	Clauses:  []clause.Clause{clause.EncryptionInTransit, clause.AlwaysEncryptedNetwork},
	Description: "A Gateway API Gateway has an HTTP listener to which routes other than HTTPS redirects attach, or an " +
		"Istio Gateway server speaks HTTP without tls.httpsRedirect. An HTTP listener no route of the inputs " +
		"attaches to, and a TCP listener (the gateway passes the stream on without TLS, which the application may " +
		"or may not add), are undecidable.",
	Remediation: "Serve HTTPS (or TLS) listeners with certificates, and attach to any HTTP listener only an HTTPRoute " +
		"whose rules redirect with scheme https; for Istio set tls.httpsRedirect: true on HTTP servers.",
	Formats:         []resource.Format{resource.FormatKubernetes},
	NeedsWholeInput: true,
	CheckAll: func(p *rule.Pass) {
		routes := attachedRoutes(p)
		for _, gw := range p.Index.ByType("Gateway") {
			switch kube.Group(gw.APIVersion) {
			case gatewayAPIGroup:
				gatewayAPI(p, gw, routes[gw.Namespace+"/"+gw.Name])
			case "networking.istio.io":
				istioGateway(p, gw)
			}
		}
	},
}

func gatewayAPI(p *rule.Pass, gw *resource.Resource, routes []attachment) {
	for i, l := range gw.Get("spec", "listeners").List() {
		at := resource.Path{resource.Key("spec"), resource.Key("listeners"), resource.Index(i), resource.Key("protocol")}
		name := l.Get("name").String()
		port, _ := l.Get("port").Int()
		switch proto := strings.ToUpper(l.Get("protocol").String()); proto {
		case "HTTP":
			attached, redirectOnly := 0, true
			for _, a := range routes {
				if (a.section == "" || a.section == name) && (a.port == 0 || a.port == port) {
					attached++
					redirectOnly = redirectOnly && a.redirects
				}
			}
			switch {
			case attached == 0:
				p.UndecidableBecause(gw, at, "whether listener "+quote(name)+" only redirects to HTTPS",
					"it serves plain HTTP and no HTTPRoute of the inputs attaches to it")
			case !redirectOnly:
				p.Report(gw, at, "listener %q serves plain HTTP on port %d, and the routes attached to it do more than redirect to HTTPS", name, port)
			}
		case "TCP":
			p.UndecidableBecause(gw, at, "whether the traffic of listener "+quote(name)+" is encrypted",
				"the gateway passes TCP on without TLS, and whether the application encrypts it cannot be seen")
		}
	}
}

func istioGateway(p *rule.Pass, gw *resource.Resource) {
	for i, s := range gw.Get("spec", "servers").List() {
		at := resource.Path{resource.Key("spec"), resource.Key("servers"), resource.Index(i), resource.Key("port")}
		port := s.Get("port", "number").String()
		switch proto := strings.ToUpper(s.Get("port", "protocol").String()); proto {
		case "HTTP", "HTTP2", "GRPC":
			if !s.Get("tls", "httpsRedirect").BoolOr(false) {
				p.Report(gw, at, "server on port %s speaks %s without TLS or tls.httpsRedirect", port, proto)
			}
		case "TCP":
			p.UndecidableBecause(gw, at, "whether the traffic of the server on port "+port+" is encrypted",
				"the gateway passes TCP on without TLS, and whether the application encrypts it cannot be seen")
		}
	}
}

func quote(s string) string { return `"` + s + `"` }

// attachment is an HTTPRoute attached to a Gateway: to one listener by
// section name, to listeners of a port, or to all of them.
type attachment struct {
	section string
	port    int64
	// redirects is true when every rule of the route redirects to HTTPS.
	redirects bool
}

// attachedRoutes returns the HTTPRoutes of the inputs by the Gateway
// (namespace/name) they attach to.
func attachedRoutes(p *rule.Pass) map[string][]attachment {
	out := map[string][]attachment{}
	for _, route := range p.Index.ByType("HTTPRoute") {
		if kube.Group(route.APIVersion) != gatewayAPIGroup {
			continue
		}
		rules := route.Get("spec", "rules")
		redirects := rules.Len() > 0
		for _, rl := range rules.List() {
			ruleRedirects := false
			for _, f := range rl.Get("filters").List() {
				if f.Get("type").String() == "RequestRedirect" && strings.EqualFold(f.Get("requestRedirect", "scheme").String(), "https") {
					ruleRedirects = true
				}
			}
			redirects = redirects && ruleRedirects
		}
		for _, ref := range route.Get("spec", "parentRefs").List() {
			if k := ref.Get("kind").String(); k != "" && k != "Gateway" {
				continue
			}
			ns := ref.Get("namespace").String()
			if ns == "" {
				ns = route.Namespace
			}
			port, _ := ref.Get("port").Int()
			key := ns + "/" + ref.Get("name").String()
			out[key] = append(out[key], attachment{section: ref.Get("sectionName").String(), port: port, redirects: redirects})
		}
	}
	return out
}
