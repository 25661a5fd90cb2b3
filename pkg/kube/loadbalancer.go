package kube

import (
	"strings"

	"github.com/guardrail-dev/guardrail/pkg/resource"
)

// internalLBAnnotations mark a LoadBalancer Service as internal on the clouds that support it.
var internalLBAnnotations = map[string][]string{
	"service.beta.kubernetes.io/aws-load-balancer-internal":              {"true", "0.0.0.0/0"},
	"service.beta.kubernetes.io/aws-load-balancer-scheme":                {"internal"},
	"service.beta.kubernetes.io/azure-load-balancer-internal":            {"true"},
	"networking.gke.io/load-balancer-type":                               {"internal"},
	"cloud.google.com/load-balancer-type":                                {"internal"},
	"service.beta.kubernetes.io/oci-load-balancer-internal":              {"true"},
	"service.beta.kubernetes.io/openstack-internal-load-balancer":        {"true"},
	"service.kubernetes.io/ibm-load-balancer-cloud-provider-ip-type":     {"private"},
	"service.beta.kubernetes.io/alibaba-cloud-loadbalancer-address-type": {"intranet"},
}

// internalLBClasses are spec.loadBalancerClass values of internal load balancers.
var internalLBClasses = []string{"networking.gke.io/l4-regional-internal"}

// InternalLoadBalancer reports whether a Service asks its cloud for an
// internal load balancer: by a cloud's annotation or load balancer class, or
// by being handled by the AWS Load Balancer Controller (aws-load-balancer-type
// external or nlb-ip, or class service.k8s.aws/nlb), whose load balancers are
// internal unless aws-load-balancer-scheme is internet-facing.
func InternalLoadBalancer(r *resource.Resource) bool {
	for k, vals := range internalLBAnnotations {
		if v, ok := r.Annotations[k]; ok {
			for _, want := range vals {
				if strings.EqualFold(strings.TrimSpace(v), want) {
					return true
				}
			}
		}
	}
	class := r.Get("spec", "loadBalancerClass").String()
	for _, c := range internalLBClasses {
		if class == c {
			return true
		}
	}
	lbType := strings.ToLower(r.Annotations["service.beta.kubernetes.io/aws-load-balancer-type"])
	if lbType == "external" || lbType == "nlb-ip" || class == "service.k8s.aws/nlb" {
		return !strings.EqualFold(r.Annotations["service.beta.kubernetes.io/aws-load-balancer-scheme"], "internet-facing")
	}
	return false
}
