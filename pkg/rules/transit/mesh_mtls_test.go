package transit_test

import (
	"testing"

	"github.com/guardrail-dev/guardrail/pkg/rules/ruletest"
)

func TestMeshMTLS(t *testing.T) {
	ruletest.Run(t, "GR-TLS-010", []ruletest.Case{
		{
			Name: "permissive and disabled modes, per workload and per port",
			YAML: `
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: default, namespace: shop}
spec:
  mtls:
    mode: PERMISSIVE
---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: metrics, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  mtls: {mode: STRICT}
  portLevelMtls:
    "9090": {mode: DISABLE}
    "8443": {mode: STRICT}`,
			Want: []ruletest.Want{
				{Address: "PeerAuthentication/shop/default", Path: "spec.mtls.mode", Line: 7,
					Message: "mutual TLS mode is PERMISSIVE, so workloads of namespace shop accept plaintext traffic"},
				{Address: "PeerAuthentication/shop/metrics", Path: "spec.portLevelMtls.9090.mode",
					Message: "port 9090 of the selected workloads accepts plaintext traffic (mode DISABLE)"},
			},
		},
		{
			Name: "strict everywhere, and UNSET workload policies inheriting strict",
			YAML: `
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: default, namespace: istio-system}
spec:
  mtls: {mode: STRICT}
---
apiVersion: security.istio.io/v1beta1
kind: PeerAuthentication
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  mtls: {mode: UNSET}
---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: ns, namespace: billing}
spec: {}`,
		},
		{
			Name: "UNSET inheriting from a permissive namespace policy is reported there",
			YAML: `
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: default, namespace: shop}
spec:
  mtls: {mode: PERMISSIVE}
---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}`,
			Want: []ruletest.Want{{Address: "PeerAuthentication/shop/default", Path: "spec.mtls.mode"}},
		},
		{
			Name: "UNSET whose parent is not in the inputs, and an UNSET mesh-wide policy",
			YAML: `
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: default, namespace: istio-system}
spec:
  mtls: {mode: UNSET}`,
			Want: []ruletest.Want{
				{Address: "PeerAuthentication/shop/web", Path: "spec", Undecidable: true,
					Message: "the mode is UNSET and the PeerAuthentication it inherits from (in namespace shop, then istio-system) is not in the inputs"},
				{Address: "PeerAuthentication/istio-system/default", Path: "spec",
					Message: "the mesh-wide mutual TLS mode is UNSET, so Istio's default, PERMISSIVE, accepts plaintext traffic"},
			},
		},
		{
			Name: "destination rules turning tls off for a host, a port, a subset",
			YAML: `
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: legacy, namespace: shop}
spec:
  host: legacy.shop.svc.cluster.local
  trafficPolicy:
    tls: {mode: DISABLE}
---
apiVersion: networking.istio.io/v1beta1
kind: DestinationRule
metadata: {name: api, namespace: shop}
spec:
  host: api.shop.svc.cluster.local
  trafficPolicy:
    tls: {mode: ISTIO_MUTUAL}
    portLevelSettings:
    - port: {number: 9090}
      tls: {mode: DISABLE}
  subsets:
  - name: v1
    labels: {version: v1}
    trafficPolicy:
      tls: {mode: DISABLE}
  - name: v2
    labels: {version: v2}`,
			Want: []ruletest.Want{
				{Address: "DestinationRule/shop/legacy", Path: "spec.trafficPolicy.tls.mode", Line: 8,
					Message: "traffic to legacy.shop.svc.cluster.local is sent without TLS (tls.mode DISABLE)"},
				{Address: "DestinationRule/shop/api", Path: "spec.trafficPolicy.portLevelSettings[0].tls.mode",
					Message: "traffic to api.shop.svc.cluster.local on port 9090 is sent without TLS"},
				{Address: "DestinationRule/shop/api", Path: "spec.subsets[0].trafficPolicy.tls.mode",
					Message: "traffic to subset v1 of api.shop.svc.cluster.local is sent without TLS"},
			},
		},
		{
			Name: "other kinds of the same name are not Istio's",
			YAML: `
apiVersion: example.com/v1
kind: DestinationRule
metadata: {name: x, namespace: shop}
spec:
  trafficPolicy:
    tls: {mode: DISABLE}`,
		},
	})
}
