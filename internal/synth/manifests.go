package synth

import (
	"bytes"
	"fmt"
)

// Manifests returns a YAML stream of n objects: Deployments, Services,
// ConfigMaps, Ingresses and NetworkPolicies in turn, shaped like rendered
// application manifests. Manifests(10_000) is about 4.6 MB.
func Manifests(n int) []byte {
	var b bytes.Buffer
	for i := 0; i < n; i++ {
		ns := fmt.Sprintf("team-%d", i%20)
		app := fmt.Sprintf("app-%d", i/5)
		b.WriteString("---\n")
		switch i % 5 {
		case 0:
			fmt.Fprintf(&b, `apiVersion: apps/v1
kind: Deployment
metadata:
  name: %[1]s
  namespace: %[2]s
  labels:
    app: %[1]s
    env: prod
spec:
  replicas: 3
  selector:
    matchLabels:
      app: %[1]s
  template:
    metadata:
      labels:
        app: %[1]s
    spec:
      serviceAccountName: %[1]s
      securityContext:
        runAsNonRoot: true
      containers:
        - name: app
          image: registry.example.com/%[1]s:1.2.3
          ports:
            - containerPort: 8080
              name: http
          env:
            - name: LOG_LEVEL
              valueFrom:
                configMapKeyRef: {name: %[1]s-config, key: LOG_LEVEL}
          livenessProbe:
            httpGet: {path: /healthz, port: http}
            periodSeconds: 10
          resources:
            requests: {cpu: 100m, memory: 128Mi}
            limits: {cpu: "1", memory: 512Mi}
          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
`, app, ns)
		case 1:
			fmt.Fprintf(&b, `apiVersion: v1
kind: Service
metadata:
  name: %[1]s
  namespace: %[2]s
  labels: {app: %[1]s}
spec:
  type: ClusterIP
  selector:
    app: %[1]s
  ports:
    - name: http
      port: 80
      targetPort: http
`, app, ns)
		case 2:
			fmt.Fprintf(&b, `apiVersion: v1
kind: ConfigMap
metadata:
  name: %[1]s-config
  namespace: %[2]s
  labels: {app: %[1]s}
data:
  LOG_LEVEL: info
  FEATURE_FLAGS: "a,b,c"
  config.yaml: |
    server:
      port: 8080
      timeout: 30s
`, app, ns)
		case 3:
			fmt.Fprintf(&b, `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: %[1]s
  namespace: %[2]s
  annotations:
    nginx.ingress.kubernetes.io/ssl-redirect: "true"
spec:
  ingressClassName: nginx
  tls:
    - hosts: [%[1]s.example.com]
      secretName: %[1]s-tls
  rules:
    - host: %[1]s.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: %[1]s
                port: {number: 80}
`, app, ns)
		default:
			fmt.Fprintf(&b, `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: %[1]s
  namespace: %[2]s
  labels: {app: %[1]s}
spec:
  podSelector:
    matchLabels: {app: %[1]s}
  policyTypes: [Ingress]
  ingress:
    - from:
        - namespaceSelector:
            matchLabels: {name: ingress-nginx}
      ports:
        - {protocol: TCP, port: 8080}
`, app, ns)
		}
	}
	return b.Bytes()
}
