package approval

import (
	"strings"
)

// A fieldDefault says which value the API server (its defaulting, its
// allocators, or the built-in admission plugins) gives a field the approved
// manifest leaves out. Exactly one of value, anyValue and check is set.
type fieldDefault struct {
	// value is the fixed default.
	value any
	// anyValue accepts whatever the API server allocated (a cluster IP, a
	// node port, a generated selector).
	anyValue bool
	// check decides for defaults that depend on the object: a Service port's
	// targetPort is its port, a container's imagePullPolicy follows its tag.
	check func(c *defaultContext, v any) bool
	// what describes the default in messages.
	what string
	// zeroUnset says the API server treats the field's zero value as unset
	// and defaults it, as it does a Service port's targetPort 0.
	zeroUnset bool
}

// defaultContext is where a field was met: the object, its pod spec, the
// map holding the field.
type defaultContext struct {
	object  map[string]any
	podSpec map[string]any
	parent  map[string]any
	key     string
}

func fixed(v any) fieldDefault { return fieldDefault{value: v} }

func allocated(what string) fieldDefault { return fieldDefault{anyValue: true, what: what} }

func derived(what string, check func(c *defaultContext, v any) bool) fieldDefault {
	return fieldDefault{check: check, what: what}
}

// empty is an empty object the API server writes for a struct field.
var empty = fixed(map[string]any{})

// listAppend says which entries an admission plugin appends to a list of a
// Pod: the service account token volume and its mounts, the not-ready and
// unreachable tolerations.
type listAppend func(c *defaultContext, entry map[string]any) bool

// podSpecPaths are where each built-in workload kind holds its pod spec.
var podSpecPaths = map[string]string{
	"Pod":                   "spec",
	"PodTemplate":           "template.spec",
	"ReplicationController": "spec.template.spec",
	"Deployment":            "spec.template.spec",
	"ReplicaSet":            "spec.template.spec",
	"StatefulSet":           "spec.template.spec",
	"DaemonSet":             "spec.template.spec",
	"Job":                   "spec.template.spec",
	"CronJob":               "spec.jobTemplate.spec.template.spec",
}

// templateMetaPaths are where workloads hold their pod template's metadata.
var templateMetaPaths = map[string]string{
	"PodTemplate":           "template.metadata",
	"ReplicationController": "spec.template.metadata",
	"Deployment":            "spec.template.metadata",
	"ReplicaSet":            "spec.template.metadata",
	"StatefulSet":           "spec.template.metadata",
	"DaemonSet":             "spec.template.metadata",
	"Job":                   "spec.template.metadata",
	"CronJob":               "spec.jobTemplate.spec.template.metadata",
}

// scalable kinds have spec.replicas, which spec.approval.scaleOnly=exempt
// leaves out of what approvals cover.
var scalable = map[string]bool{"Deployment": true, "ReplicaSet": true, "StatefulSet": true, "ReplicationController": true}

// podSpecDefaults are relative to a pod spec; "C" stands for each container
// list (containers, initContainers, ephemeralContainers), "V" for volumes.
var podSpecDefaults = map[string]fieldDefault{
	"restartPolicy":                 fixed("Always"),
	"terminationGracePeriodSeconds": fixed(int64(30)),
	"dnsPolicy":                     fixed("ClusterFirst"),
	"schedulerName":                 fixed("default-scheduler"),
	"securityContext":               empty,
	"enableServiceLinks":            fixed(true),
	"preemptionPolicy":              fixed("PreemptLowerPriority"),
	"priority": derived("0, or the value of its priorityClassName", func(c *defaultContext, v any) bool {
		if _, named := c.podSpec["priorityClassName"]; named {
			_, isNum := number(v)
			return isNum
		}
		return equalValues(v, int64(0))
	}),
	"serviceAccountName": fixed("default"),
	"serviceAccount": derived("serviceAccountName", func(c *defaultContext, v any) bool {
		sa, ok := c.podSpec["serviceAccountName"]
		if !ok {
			sa = "default"
		}
		return equalValues(v, sa)
	}),

	"C[].terminationMessagePath":   fixed("/dev/termination-log"),
	"C[].terminationMessagePolicy": fixed("File"),
	"C[].imagePullPolicy": derived("Always for an image without a tag or tagged latest, IfNotPresent otherwise", func(c *defaultContext, v any) bool {
		image, _ := c.parent["image"].(string)
		return equalValues(v, defaultPullPolicy(image))
	}),
	"C[].resources":                 empty,
	"C[].securityContext.procMount": fixed("Default"),
	"C[].ports[].protocol":          fixed("TCP"),
	"C[].ports[].hostPort": derived("the containerPort, on the host network", func(c *defaultContext, v any) bool {
		host, _ := c.podSpec["hostNetwork"].(bool)
		return host && equalValues(v, c.parent["containerPort"])
	}),
	"C[].env[].valueFrom.fieldRef.apiVersion":                         fixed("v1"),
	"C[].lifecycle.postStart.httpGet.scheme":                          fixed("HTTP"),
	"C[].lifecycle.preStop.httpGet.scheme":                            fixed("HTTP"),
	"V[].configMap.defaultMode":                                       fixed(int64(420)),
	"V[].secret.defaultMode":                                          fixed(int64(420)),
	"V[].projected.defaultMode":                                       fixed(int64(420)),
	"V[].downwardAPI.defaultMode":                                     fixed(int64(420)),
	"V[].downwardAPI.items[].fieldRef.apiVersion":                     fixed("v1"),
	"V[].projected.sources[].downwardAPI.items[].fieldRef.apiVersion": fixed("v1"),
	"V[].projected.sources[].serviceAccountToken.expirationSeconds":   fixed(int64(3600)),
	"V[].hostPath.type":                                               fixed(""),
	"V[].emptyDir":                                                    empty,
	"V[].ephemeral.volumeClaimTemplate.spec.volumeMode":               fixed("Filesystem"),
	"V[].iscsi.iscsiInterface":                                        fixed("default"),
	"V[].rbd.pool":                                                    fixed("rbd"),
	"V[].rbd.user":                                                    fixed("admin"),
	"V[].rbd.keyring":                                                 fixed("/etc/ceph/keyring"),
	"V[].azureDisk.cachingMode":                                       fixed("ReadWrite"),
	"V[].azureDisk.fsType":                                            fixed("ext4"),
	"V[].azureDisk.readOnly":                                          fixed(false),
	"V[].azureDisk.kind":                                              fixed("Shared"),
	"V[].scaleIO.storageMode":                                         fixed("ThinProvisioned"),
	"V[].scaleIO.fsType":                                              fixed("xfs"),
}

// probeDefaults apply to each of a container's probes.
var probeDefaults = map[string]fieldDefault{
	"timeoutSeconds":   fixed(int64(1)),
	"periodSeconds":    fixed(int64(10)),
	"successThreshold": fixed(int64(1)),
	"failureThreshold": fixed(int64(3)),
	"httpGet.scheme":   fixed("HTTP"),
}

// kindDefaults are relative to the object, by kind.
var kindDefaults = map[string]map[string]fieldDefault{
	"Deployment": {
		"spec.replicas":                              fixed(int64(1)),
		"spec.revisionHistoryLimit":                  fixed(int64(10)),
		"spec.progressDeadlineSeconds":               fixed(int64(600)),
		"spec.strategy.type":                         fixed("RollingUpdate"),
		"spec.strategy.rollingUpdate.maxUnavailable": fixed("25%"),
		"spec.strategy.rollingUpdate.maxSurge":       fixed("25%"),
	},
	"ReplicaSet":            {"spec.replicas": fixed(int64(1))},
	"ReplicationController": {"spec.replicas": fixed(int64(1))},
	"StatefulSet": {
		"spec.replicas":                                              fixed(int64(1)),
		"spec.revisionHistoryLimit":                                  fixed(int64(10)),
		"spec.podManagementPolicy":                                   fixed("OrderedReady"),
		"spec.updateStrategy.type":                                   fixed("RollingUpdate"),
		"spec.updateStrategy.rollingUpdate.partition":                fixed(int64(0)),
		"spec.updateStrategy.rollingUpdate.maxUnavailable":           fixed(int64(1)),
		"spec.persistentVolumeClaimRetentionPolicy.whenDeleted":      fixed("Retain"),
		"spec.persistentVolumeClaimRetentionPolicy.whenScaled":       fixed("Retain"),
		"spec.volumeClaimTemplates[].apiVersion":                     fixed("v1"),
		"spec.volumeClaimTemplates[].kind":                           fixed("PersistentVolumeClaim"),
		"spec.volumeClaimTemplates[].spec.volumeMode":                fixed("Filesystem"),
		"spec.volumeClaimTemplates[].status.phase":                   fixed("Pending"),
		"spec.volumeClaimTemplates[].metadata.creationTimestamp":     fixed(nil),
		"spec.volumeClaimTemplates[].spec.resources":                 empty,
		"spec.volumeClaimTemplates[].status":                         empty,
		"spec.volumeClaimTemplates[].metadata":                       empty,
		"spec.persistentVolumeClaimRetentionPolicy":                  empty,
		"spec.updateStrategy.rollingUpdate":                          empty,
		"spec.updateStrategy":                                        empty,
		"spec.volumeClaimTemplates[].spec.storageClassName":          allocated("the cluster's default storage class"),
		"spec.volumeClaimTemplates[].spec.volumeAttributesClassName": allocated("the cluster's default volume attributes class"),
	},
	"DaemonSet": {
		"spec.revisionHistoryLimit":                        fixed(int64(10)),
		"spec.updateStrategy.type":                         fixed("RollingUpdate"),
		"spec.updateStrategy.rollingUpdate.maxUnavailable": fixed(int64(1)),
		"spec.updateStrategy.rollingUpdate.maxSurge":       fixed(int64(0)),
	},
	"Job": {
		"spec.completions":                             fixed(int64(1)),
		"spec.parallelism":                             fixed(int64(1)),
		"spec.backoffLimit":                            fixed(int64(6)),
		"spec.completionMode":                          fixed("NonIndexed"),
		"spec.suspend":                                 fixed(false),
		"spec.manualSelector":                          fixed(false),
		"spec.podReplacementPolicy":                    derived("TerminatingOrFailed, or Failed with a podFailurePolicy", oneOf("TerminatingOrFailed", "Failed")),
		"spec.selector":                                derived("the selector the API server generates", generatedJobSelector),
		"metadata.labels.*":                            derived("the pod template's label of the same key", jobLabelFromTemplate),
		"spec.template.metadata.labels.controller-uid": allocated("the Job's UID"),
		"spec.template.metadata.labels.batch.kubernetes.io/controller-uid": allocated("the Job's UID"),
		"spec.template.metadata.labels.job-name":                           derived("the Job's name", equalsName),
		"spec.template.metadata.labels.batch.kubernetes.io/job-name":       derived("the Job's name", equalsName),
	},
	"CronJob": {
		"spec.concurrencyPolicy":                      fixed("Allow"),
		"spec.suspend":                                fixed(false),
		"spec.successfulJobsHistoryLimit":             fixed(int64(3)),
		"spec.failedJobsHistoryLimit":                 fixed(int64(1)),
		"spec.jobTemplate.metadata":                   empty,
		"spec.jobTemplate.metadata.creationTimestamp": fixed(nil),
	},
	"Service": {
		"spec.type":                          fixed("ClusterIP"),
		"spec.sessionAffinity":               fixed("None"),
		"spec.clusterIP":                     allocated("the cluster IP the API server allocates"),
		"spec.clusterIPs":                    allocated("the cluster IPs the API server allocates"),
		"spec.ipFamilies":                    allocated("the IP families of the cluster IPs"),
		"spec.ipFamilyPolicy":                allocated("the cluster's IP family policy"),
		"spec.internalTrafficPolicy":         fixed("Cluster"),
		"spec.externalTrafficPolicy":         fixed("Cluster"),
		"spec.allocateLoadBalancerNodePorts": fixed(true),
		"spec.healthCheckNodePort":           allocated("the health check node port the API server allocates"),
		"spec.ports[].protocol":              fixed("TCP"),
		"spec.ports[].nodePort":              allocated("the node port the API server allocates"),
		"spec.ports[].targetPort": {what: "the port", zeroUnset: true, check: func(c *defaultContext, v any) bool {
			return equalValues(v, c.parent["port"])
		}},
		"spec.sessionAffinityConfig.clientIP.timeoutSeconds": fixed(int64(10800)),
	},
	"Namespace": {
		"metadata.labels.kubernetes.io/metadata.name": derived("the namespace's name", equalsName),
		"spec.finalizers": fixed([]any{"kubernetes"}),
		"spec":            empty,
	},
	"Secret": {"type": fixed("Opaque")},
	"PersistentVolumeClaim": {
		"spec.volumeMode":                fixed("Filesystem"),
		"spec.storageClassName":          allocated("the cluster's default storage class"),
		"spec.volumeAttributesClassName": allocated("the cluster's default volume attributes class"),
		"spec.volumeName":                allocated("the volume the claim is bound to"),
		"spec.resources":                 empty,
	},
	"NetworkPolicy": {
		"spec.policyTypes": derived("Ingress, and Egress when the policy has egress rules", func(c *defaultContext, v any) bool {
			spec, _ := c.object["spec"].(map[string]any)
			want := []any{"Ingress"}
			if _, ok := spec["egress"]; ok {
				want = append(want, "Egress")
			}
			return equalValues(v, want)
		}),
		"spec.ingress[].ports[].protocol": fixed("TCP"),
		"spec.egress[].ports[].protocol":  fixed("TCP"),
	},
	"Ingress": {},
}

// podAppends are the Pod list entries admission plugins append, by path
// relative to the pod spec.
var podAppends = map[string]listAppend{
	// The ServiceAccount admission plugin mounts the service account token,
	// unless the pod opts out.
	"volumes": func(c *defaultContext, e map[string]any) bool {
		name, _ := e["name"].(string)
		_, projected := e["projected"].(map[string]any)
		return automounts(c.podSpec) && strings.HasPrefix(name, "kube-api-access-") && projected && len(e) == 2
	},
	"C[].volumeMounts": func(c *defaultContext, e map[string]any) bool {
		name, _ := e["name"].(string)
		return automounts(c.podSpec) && strings.HasPrefix(name, "kube-api-access-") &&
			e["mountPath"] == "/var/run/secrets/kubernetes.io/serviceaccount" && e["readOnly"] == true
	},
	// The DefaultTolerationSeconds admission plugin tolerates a not-ready or
	// unreachable node for five minutes.
	"tolerations": func(_ *defaultContext, e map[string]any) bool {
		key, _ := e["key"].(string)
		return (key == "node.kubernetes.io/not-ready" || key == "node.kubernetes.io/unreachable") &&
			e["operator"] == "Exists" && e["effect"] == "NoExecute" && equalValues(e["tolerationSeconds"], int64(300))
	},
}

func automounts(podSpec map[string]any) bool {
	v, ok := podSpec["automountServiceAccountToken"].(bool)
	return !ok || v
}

// defaultTables are the defaults of each kind with the pod spec defaults
// placed at the kind's pod spec path, keyed by path pattern ("[]" for any
// list index, "*" for any map key as the last step).
var defaultTables, appendTables = buildTables()

func buildTables() (map[string]map[string]fieldDefault, map[string]map[string]listAppend) {
	tables := map[string]map[string]fieldDefault{}
	appends := map[string]map[string]listAppend{}
	for kind, defs := range kindDefaults {
		tables[kind] = map[string]fieldDefault{}
		for p, d := range defs {
			tables[kind][p] = d
		}
	}
	for kind, at := range podSpecPaths {
		t := tables[kind]
		if t == nil {
			t = map[string]fieldDefault{}
			tables[kind] = t
		}
		add := func(rel string, d fieldDefault) {
			for _, p := range expandPodPattern(rel) {
				t[at+"."+p] = d
			}
		}
		for rel, d := range podSpecDefaults {
			add(rel, d)
		}
		for _, probe := range []string{"livenessProbe", "readinessProbe", "startupProbe"} {
			for rel, d := range probeDefaults {
				add("C[]."+probe+"."+rel, d)
			}
		}
		if meta, ok := templateMetaPaths[kind]; ok {
			t[meta+".creationTimestamp"] = fixed(nil)
			t[meta] = empty
		}
		if kind == "Pod" {
			appends[kind] = map[string]listAppend{}
			for rel, fn := range podAppends {
				for _, p := range expandPodPattern(rel) {
					appends[kind][at+"."+p] = fn
				}
			}
		}
	}
	return tables, appends
}

// expandPodPattern replaces C by each container list and V by volumes.
func expandPodPattern(rel string) []string {
	switch {
	case strings.HasPrefix(rel, "C[]"):
		rest := strings.TrimPrefix(rel, "C")
		return []string{"containers" + rest, "initContainers" + rest, "ephemeralContainers" + rest}
	case strings.HasPrefix(rel, "V[]"):
		return []string{"volumes" + strings.TrimPrefix(rel, "V")}
	}
	return []string{rel}
}

// defaultPullPolicy is the imagePullPolicy the API server gives a container.
func defaultPullPolicy(image string) string {
	if strings.Contains(image, "@") {
		return "IfNotPresent"
	}
	name := image
	if i := strings.LastIndexByte(name, '/'); i >= 0 {
		name = name[i+1:]
	}
	tag := ""
	if i := strings.LastIndexByte(name, ':'); i >= 0 {
		tag = name[i+1:]
	}
	if tag == "" || tag == "latest" {
		return "Always"
	}
	return "IfNotPresent"
}

func oneOf(values ...string) func(*defaultContext, any) bool {
	return func(_ *defaultContext, v any) bool {
		s, ok := v.(string)
		if !ok {
			return false
		}
		for _, w := range values {
			if s == w {
				return true
			}
		}
		return false
	}
}

func objectName(c *defaultContext) string {
	meta, _ := c.object["metadata"].(map[string]any)
	name, _ := meta["name"].(string)
	return name
}

func equalsName(c *defaultContext, v any) bool {
	s, ok := v.(string)
	return ok && s != "" && s == objectName(c)
}

// generatedJobSelector accepts the selector the API server generates for a
// Job that does not set one: the controller-uid label alone.
func generatedJobSelector(_ *defaultContext, v any) bool {
	sel, ok := v.(map[string]any)
	if !ok || len(sel) != 1 {
		return false
	}
	labels, ok := sel["matchLabels"].(map[string]any)
	if !ok || len(labels) != 1 {
		return false
	}
	_, ok = labels["batch.kubernetes.io/controller-uid"]
	return ok
}

// jobLabelFromTemplate accepts a Job label copied from its pod template,
// which the API server does for a Job without labels.
func jobLabelFromTemplate(c *defaultContext, v any) bool {
	spec, _ := c.object["spec"].(map[string]any)
	tmpl, _ := spec["template"].(map[string]any)
	meta, _ := tmpl["metadata"].(map[string]any)
	labels, _ := meta["labels"].(map[string]any)
	return equalValues(labels[c.key], v)
}
