package transit

import (
	"strings"

	"github.com/guardrail-dev/guardrail/pkg/clause"
	"github.com/guardrail-dev/guardrail/pkg/policy"
	"github.com/guardrail-dev/guardrail/pkg/resource"
	"github.com/guardrail-dev/guardrail/pkg/rule"
)

// PlaintextListener is GR-TLS-001.
var PlaintextListener = &rule.Rule{
	ID:       "GR-TLS-001",
	Title:    "Load balancer listeners do not serve plain HTTP",
	Control:  rule.Transit,
	Severity: policy.High,
	Clauses:  []clause.Clause{clause.EncryptionInTransit, clause.AlwaysEncryptedNetwork, clause.EncryptedProtocolsOnly},
	Description: "A load balancer listener (AWS ALB listener or listener rule, classic ELB listener, GCP target HTTP " +
		"proxy, Azure application gateway listener) accepts plain HTTP and passes requests on instead of " +
		"redirecting them to HTTPS, so service data crosses the network unencrypted. An HTTP listener whose " +
		"actions only redirect to HTTPS or answer with a fixed response is fine.",
	Remediation: "Serve HTTPS (or TLS) with a certificate, and make the HTTP listener's only action a redirect to HTTPS " +
		"(status HTTP_301).",
	Formats: []resource.Format{resource.FormatTerraform, resource.FormatPlan},
	Types: []string{"aws_lb_listener", "aws_alb_listener", "aws_lb_listener_rule", "aws_alb_listener_rule", "aws_elb",
		"google_compute_target_http_proxy", "google_compute_region_target_http_proxy", "azurerm_application_gateway"},
	Peers: rule.Peers{
		Checkov:   []string{"CKV_AWS_2", "CKV2_AWS_20", "CKV_AZURE_217"},
		Trivy:     []string{"AWS-0054"},
		Terrascan: []string{"AC_AWS_0491", "AC_AWS_0120"},
	},
	Check: func(p *rule.Pass, r *resource.Resource) {
		switch r.Type {
		case "aws_lb_listener", "aws_alb_listener":
			awsListener(p, r)
		case "aws_lb_listener_rule", "aws_alb_listener_rule":
			awsListenerRule(p, r)
		case "aws_elb":
			for _, l := range r.Get("listener").List() {
				proto := l.Get("lb_protocol")
				if proto.IsUnknown() {
					p.Undecidable(r, proto, "whether the listener is plaintext")
					continue
				}
				if strings.EqualFold(proto.String(), "http") {
					p.ReportValue(r, proto, "the classic load balancer listens with plain HTTP on port %s, and cannot redirect to HTTPS", portOf(l.Get("lb_port")))
				}
			}
		case "google_compute_target_http_proxy", "google_compute_region_target_http_proxy":
			gcpHTTPProxy(p, r)
		case "azurerm_application_gateway":
			azureGateway(p, r)
		}
	},
}

// listenerProtocol returns the protocol of an AWS listener: its protocol
// attribute, HTTP when left out of an application load balancer's listener,
// "" when left out of a gateway load balancer's. known is false when it
// cannot be told; v is then the unknown value.
func listenerProtocol(p *rule.Pass, r *resource.Resource) (proto string, v resource.Value, known bool) {
	v = r.Get("protocol")
	if s, ok := v.Str(); ok && s != "" {
		return strings.ToUpper(s), v, true
	}
	switch lbType(p, r) {
	case "gateway":
		return "", v, true
	case "application":
		return "HTTP", v, true
	}
	if v.IsUnknown() {
		return "", v, false
	}
	return "HTTP", v, true // the provider's default
}

// lbType returns the load_balancer_type of the load balancer a listener
// refers to, when the inputs hold it ("application" when left out).
func lbType(p *rule.Pass, r *resource.Resource) string {
	for _, ref := range r.Refs {
		if len(ref.From) == 0 || ref.From[0].Key != "load_balancer_arn" {
			continue
		}
		for _, lb := range p.Index.Resolve(r, ref.To) {
			if lb.Type != "aws_lb" && lb.Type != "aws_alb" {
				continue
			}
			t := lb.Get("load_balancer_type")
			if s, ok := t.Str(); ok && s != "" {
				return strings.ToLower(s)
			}
			if t.IsNull() {
				return "application"
			}
		}
	}
	return ""
}

func awsListener(p *rule.Pass, r *resource.Resource) {
	proto, v, known := listenerProtocol(p, r)
	if !known {
		p.Undecidable(r, v, "whether the listener is plaintext")
		return
	}
	if proto != "HTTP" {
		return
	}
	at := v
	if v.IsNull() {
		at = r.Value()
	}
	switch forwards, unknown := forwardsPlaintext(r.Get("default_action")); {
	case unknown != nil:
		p.Undecidable(r, *unknown, "whether the HTTP listener redirects to HTTPS")
	case forwards:
		p.ReportValue(r, at, "the HTTP listener on port %s passes requests on in plain HTTP instead of redirecting to HTTPS", portOf(r.Get("port")))
	}
}

// forwardsPlaintext reports whether listener actions pass requests on
// (forward, authenticate) rather than only redirecting to HTTPS or answering
// with a fixed response; unknown is set when that cannot be told.
func forwardsPlaintext(actions resource.Value) (forwards bool, unknown *resource.Value) {
	if actions.IsUnknown() {
		return false, &actions
	}
	for _, a := range actions.List() {
		t := a.Get("type")
		if t.IsUnknown() {
			return false, &t
		}
		switch strings.ToLower(t.String()) {
		case "fixed-response":
		case "redirect":
			for _, rd := range a.Get("redirect").List() {
				proto := rd.Get("protocol")
				if proto.IsUnknown() {
					return false, &proto
				}
				if !strings.EqualFold(proto.String(), "HTTPS") {
					return true, nil // "#{protocol}", the default, keeps HTTP
				}
			}
		default:
			return true, nil
		}
	}
	return false, nil
}

// awsListenerRule judges a listener rule attached to a plaintext HTTP
// listener of the inputs: it must redirect to HTTPS or answer itself.
func awsListenerRule(p *rule.Pass, r *resource.Resource) {
	// A reference names a listener without its instance key: with count or
	// for_each it resolves to every instance, and the rule is judged only
	// when all of them are plaintext HTTP.
	var listener *resource.Resource
	for _, ref := range r.Refs {
		if len(ref.From) == 0 || ref.From[0].Key != "listener_arn" {
			continue
		}
		for _, l := range p.Index.Resolve(r, ref.To) {
			if l.Type != "aws_lb_listener" && l.Type != "aws_alb_listener" || l.IsDeleted() {
				continue
			}
			if proto, _, known := listenerProtocol(p, l); !known || proto != "HTTP" {
				return
			}
			listener = l
		}
	}
	if listener == nil {
		return // the listener is judged where it is defined
	}
	switch forwards, unknown := forwardsPlaintext(r.Get("action")); {
	case unknown != nil:
		p.Undecidable(r, *unknown, "whether the rule on an HTTP listener redirects to HTTPS")
	case forwards:
		p.Report(r, resource.Path{resource.Key("action")}, "the rule passes requests on in plain HTTP: it is attached to %s, an HTTP listener on port %s",
			listener.Address, portOf(listener.Get("port")))
	}
}

func portOf(v resource.Value) string {
	if s, ok := v.Str(); ok {
		return s
	}
	return "(not set)"
}

func gcpHTTPProxy(p *rule.Pass, r *resource.Resource) {
	um := r.Get("url_map")
	at := resource.Path{resource.Key("url_map")}
	resolved := false
	for _, ref := range r.Refs {
		if len(ref.From) == 0 || ref.From[0].Key != "url_map" {
			continue
		}
		for _, m := range p.Index.Resolve(r, ref.To) {
			if m.Type != "google_compute_url_map" && m.Type != "google_compute_region_url_map" {
				continue
			}
			resolved = true
			if redirectsToHTTPS(m) {
				return
			}
		}
	}
	switch {
	case resolved:
		p.Report(r, at, "the HTTP proxy serves plain HTTP and its URL map does not redirect every request to HTTPS")
	case um.IsUnknown():
		p.Undecidable(r, um, "whether the HTTP proxy's URL map redirects to HTTPS")
	default:
		p.UndecidableBecause(r, at, "whether the HTTP proxy's URL map redirects to HTTPS", "URL map "+um.String()+" is not in the inputs")
	}
}

// redirectsToHTTPS reports whether a URL map sends every request to HTTPS
// through its default redirect.
func redirectsToHTTPS(m *resource.Resource) bool {
	for _, red := range m.Get("default_url_redirect").List() {
		if red.Get("https_redirect").BoolOr(false) {
			return true
		}
	}
	return false
}

func azureGateway(p *rule.Pass, r *resource.Resource) {
	httpsListeners := map[string]bool{}
	for _, l := range r.Get("http_listener").List() {
		if strings.EqualFold(l.Get("protocol").String(), "Https") {
			httpsListeners[l.Get("name").String()] = true
		}
	}
	// redirects: redirect configurations that send clients to HTTPS.
	redirects := map[string]bool{}
	for _, rc := range r.Get("redirect_configuration").List() {
		target := rc.Get("target_listener_name").String()
		url := strings.ToLower(rc.Get("target_url").String())
		if httpsListeners[target] || strings.HasPrefix(url, "https://") {
			redirects[rc.Get("name").String()] = true
		}
	}
	// A path map redirects when its default and every path rule do.
	pathMaps := map[string]bool{}
	for _, m := range r.Get("url_path_map").List() {
		ok := redirects[m.Get("default_redirect_configuration_name").String()]
		for _, pr := range m.Get("path_rule").List() {
			ok = ok && redirects[pr.Get("redirect_configuration_name").String()]
		}
		pathMaps[m.Get("name").String()] = ok
	}
	redirected := map[string]bool{}
	for _, rr := range r.Get("request_routing_rule").List() {
		l := rr.Get("http_listener_name").String()
		ok := redirects[rr.Get("redirect_configuration_name").String()] || pathMaps[rr.Get("url_path_map_name").String()]
		prev, seen := redirected[l]
		redirected[l] = ok && (!seen || prev)
	}
	for _, l := range r.Get("http_listener").List() {
		proto := l.Get("protocol")
		if proto.IsUnknown() {
			p.Undecidable(r, proto, "whether the listener is plaintext")
			continue
		}
		if strings.EqualFold(proto.String(), "Http") && !redirected[l.Get("name").String()] {
			p.ReportValue(r, proto, "listener %q serves plain HTTP and its routing rules do not redirect to HTTPS", l.Get("name").String())
		}
	}
}
