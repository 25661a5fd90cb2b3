package transit

import (
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/guardrail-dev/guardrail/pkg/clause"
	"github.com/guardrail-dev/guardrail/pkg/kube"
	"github.com/guardrail-dev/guardrail/pkg/policy"
	"github.com/guardrail-dev/guardrail/pkg/resource"
	"github.com/guardrail-dev/guardrail/pkg/rule"
)

// Cloud annotations that terminate TLS at the load balancer for some ports.
const (
	awsSSLCert  = "service.beta.kubernetes.io/aws-load-balancer-ssl-cert"
	awsSSLPorts = "service.beta.kubernetes.io/aws-load-balancer-ssl-ports"
)

// edgeProxies are the names (app.kubernetes.io/name, app, istio labels) of
// ingress controllers and gateways, whose port 80 next to 443 serves
// redirects to HTTPS; the Ingresses and Gateways they serve are judged by
// GR-TLS-008 and GR-TLS-011.
var edgeProxies = map[string]bool{
	"ingress-nginx": true, "nginx-ingress": true, "nginx-ingress-controller": true, "traefik": true,
	"contour": true, "envoy": true, "istio-ingressgateway": true, "ingressgateway": true, "kong": true,
	"kong-proxy": true, "haproxy-ingress": true, "kubernetes-ingress": true, "emissary-ingress": true, "ambassador": true,
}

// PlaintextLoadBalancer is GR-TLS-009.
var PlaintextLoadBalancer = &rule.Rule{
	ID:       "GR-TLS-009",
	Title:    "LoadBalancer Services do not expose plaintext ports",
	Control:  rule.Transit,
	Severity: policy.High,
	Clauses:  []clause.Clause{clause.EncryptionInTransit, clause.AlwaysEncryptedNetwork},
	Description: "An external Service of type LoadBalancer exposes a port of a plaintext protocol (HTTP on 80 or 8080, " +
		"FTP, Telnet, SMTP, POP3, IMAP; spec.transit.plaintextPorts) without the load balancer terminating TLS on it " +
		"and without the port declaring a TLS appProtocol. Internal load balancers are not judged, nor is port 80 " +
		"next to 443 on an ingress controller's or gateway's Service, where it serves redirects to HTTPS.",
	Remediation: "Expose the service through an Ingress or Gateway with TLS, or have the load balancer terminate TLS " +
		"(on AWS, the aws-load-balancer-ssl-cert and aws-load-balancer-ssl-ports annotations) and close the plaintext port.",
	Formats: []resource.Format{resource.FormatKubernetes},
	Types:   []string{"Service"},
	Check: func(p *rule.Pass, r *resource.Resource) {
		if !kube.Is(r, "", "Service") || kube.InternalLoadBalancer(r) {
			return
		}
		svc, err := kube.Service(r)
		if err != nil {
			p.UndecidableBecause(r, nil, "whether the load balancer serves plaintext", err.Error())
			return
		}
		if svc.Spec.Type != corev1.ServiceTypeLoadBalancer {
			return
		}
		tlsPorts := map[string]bool{}
		if _, ok := r.Annotations[awsSSLCert]; ok {
			list := strings.TrimSpace(r.Annotations[awsSSLPorts])
			if list == "" || list == "*" {
				tlsPorts["*"] = true
			}
			for _, s := range strings.Split(list, ",") {
				tlsPorts[strings.TrimSpace(s)] = true
			}
		}
		redirects := edgeProxy(r) && hasPort(svc, 443)
		for i, sp := range svc.Spec.Ports {
			proto := strings.ToLower(string(sp.Protocol))
			if !p.Policy.PlaintextPorts().Contains(proto, int(sp.Port)) {
				continue
			}
			if tlsPorts["*"] || tlsPorts[sp.Name] || tlsPorts[strconv.Itoa(int(sp.Port))] || tlsAppProtocol(sp) || redirects && sp.Port == 80 {
				continue
			}
			p.Report(r, resource.Path{resource.Key("spec"), resource.Key("ports"), resource.Index(i), resource.Key("port")},
				"the LoadBalancer Service exposes plaintext port %s without the load balancer terminating TLS on it", policy.PortName(int(sp.Port)))
		}
	},
}

func tlsAppProtocol(sp corev1.ServicePort) bool {
	if sp.AppProtocol == nil {
		return false
	}
	switch strings.ToLower(*sp.AppProtocol) {
	case "https", "tls", "kubernetes.io/wss", "wss", "grpcs":
		return true
	}
	return false
}

func hasPort(svc *corev1.Service, port int32) bool {
	for _, sp := range svc.Spec.Ports {
		if sp.Port == port {
			return true
		}
	}
	return false
}

// edgeProxy reports whether the Service fronts an ingress controller or a gateway.
func edgeProxy(r *resource.Resource) bool {
	if r.Labels["gateway.networking.k8s.io/gateway-name"] != "" {
		return true
	}
	for _, k := range []string{"app.kubernetes.io/name", "app", "istio"} {
		if edgeProxies[r.Labels[k]] {
			return true
		}
	}
	return false
}
