package transit

import "github.com/guardrail-dev/guardrail/pkg/rule"

// Rules returns the encryption-in-transit rules.
func Rules() []*rule.Rule {
	return []*rule.Rule{
		PlaintextListener, WeakTLSVersion, CloudFrontHTTP, ServiceTransit, DatabaseTLS, S3SecureTransport,
		HTTPSOnly, IngressTLS, PlaintextLoadBalancer, MeshMTLS, GatewayHTTP,
	}
}
