// Package transit holds the encryption-in-transit rules (GR-TLS-*): no
// listener, load balancer, CDN, API, database or broker link that carries
// service data in plaintext, and no TLS version below the policy's minimum
// (spec.transit.minTLSVersion, TLS 1.2 by default), in Terraform for AWS,
// GCP and Azure, and in Kubernetes Ingresses, LoadBalancer Services, Istio
// and the Gateway API.
package transit
