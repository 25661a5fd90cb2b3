package segregation

import (
	"github.com/guardrail-dev/guardrail/pkg/clause"
	"github.com/guardrail-dev/guardrail/pkg/kube"
	"github.com/guardrail-dev/guardrail/pkg/policy"
	"github.com/guardrail-dev/guardrail/pkg/resource"
	"github.com/guardrail-dev/guardrail/pkg/rule"
)

// ForeignReference is GR-SEG-007.
var ForeignReference = &rule.Rule{
	ID:       "GR-SEG-007",
	Title:    "Resources do not use another environment's resources, Secrets or ConfigMaps",
	Control:  rule.Segregation,
	Severity: policy.High,
	Clauses:  []clause.Clause{clause.SegregationOfEnvironments, clause.SeparatedEnvironments, clause.ProductionDataRestricted},
	Description: "A Terraform resource refers to a resource or data source of another environment (a dev instance " +
		"in a prod subnet, a staging app reading a prod database's endpoint), or a Kubernetes workload mounts or " +
		"reads a Secret, ConfigMap or PersistentVolumeClaim that belongs to another environment: by its labels, " +
		"by its name, or by the namespace it lives in (a workload labelled dev in a prod namespace).",
	Remediation: "Give each environment its own resources, Secrets and ConfigMaps; share code (modules, overlays), " +
		"never instances or credentials.",
	Check: func(p *rule.Pass, r *resource.Resource) {
		env := envOf(p, r)
		if env == "" {
			return
		}
		if r.IsKubernetes() {
			podReferences(p, r, env)
			return
		}
		reported := map[string]bool{}
		for _, t := range refTargets(p, r, "") {
			other := envOf(p, t.res)
			key := t.ref.From.String() + "\x00" + t.res.Address
			if !crosses(p, env, other) || reported[key] {
				continue
			}
			reported[key] = true
			p.Report(r, t.ref.From, "%s (environment %s) refers to %s, of environment %s", r.Address, env, t.res.Address, other)
		}
	},
}

// podReferences judges the Secrets and ConfigMaps a pod template uses.
func podReferences(p *rule.Pass, r *resource.Resource, env string) {
	pod, ok, err := kube.PodSpec(r)
	if err != nil {
		p.UndecidableBecause(r, nil, "which Secrets, ConfigMaps and services the pod uses", err.Error())
		return
	}
	if !ok {
		return
	}
	check := func(kind, name string, at resource.Path) {
		if name == "" {
			return
		}
		if other, how := objectEnv(p, kind, r.Namespace, name); crosses(p, env, other) {
			p.Report(r, at, "the %s workload uses %s %q, which belongs to %s (%s)", env, kind, name, other, how)
		}
	}
	spec := pod.Path
	for i, v := range pod.Spec.Volumes {
		at := spec.Append(resource.Key("volumes"), resource.Index(i))
		if v.Secret != nil {
			check("Secret", v.Secret.SecretName, at.Append(resource.Key("secret"), resource.Key("secretName")))
		}
		if v.ConfigMap != nil {
			check("ConfigMap", v.ConfigMap.Name, at.Append(resource.Key("configMap"), resource.Key("name")))
		}
		if v.PersistentVolumeClaim != nil {
			check("PersistentVolumeClaim", v.PersistentVolumeClaim.ClaimName, at.Append(resource.Key("persistentVolumeClaim"), resource.Key("claimName")))
		}
		if v.Projected != nil {
			for j, src := range v.Projected.Sources {
				sat := at.Append(resource.Key("projected"), resource.Key("sources"), resource.Index(j))
				if src.Secret != nil {
					check("Secret", src.Secret.Name, sat.Append(resource.Key("secret"), resource.Key("name")))
				}
				if src.ConfigMap != nil {
					check("ConfigMap", src.ConfigMap.Name, sat.Append(resource.Key("configMap"), resource.Key("name")))
				}
			}
		}
	}
	for i, s := range pod.Spec.ImagePullSecrets {
		check("Secret", s.Name, spec.Append(resource.Key("imagePullSecrets"), resource.Index(i), resource.Key("name")))
	}
	for _, c := range pod.Containers() {
		for j, e := range c.Container.Env {
			if e.ValueFrom == nil {
				continue
			}
			at := c.Path.Append(resource.Key("env"), resource.Index(j), resource.Key("valueFrom"))
			if e.ValueFrom.SecretKeyRef != nil {
				check("Secret", e.ValueFrom.SecretKeyRef.Name, at.Append(resource.Key("secretKeyRef"), resource.Key("name")))
			}
			if e.ValueFrom.ConfigMapKeyRef != nil {
				check("ConfigMap", e.ValueFrom.ConfigMapKeyRef.Name, at.Append(resource.Key("configMapKeyRef"), resource.Key("name")))
			}
		}
		for j, ef := range c.Container.EnvFrom {
			at := c.Path.Append(resource.Key("envFrom"), resource.Index(j))
			if ef.SecretRef != nil {
				check("Secret", ef.SecretRef.Name, at.Append(resource.Key("secretRef"), resource.Key("name")))
			}
			if ef.ConfigMapRef != nil {
				check("ConfigMap", ef.ConfigMapRef.Name, at.Append(resource.Key("configMapRef"), resource.Key("name")))
			}
		}
	}
}

// objectEnv places a Secret, ConfigMap or claim a workload in namespace ns
// uses: by its own label when the inputs hold it, else by its name (a Secret
// named prod-db holds prod's credentials wherever it is copied), else as
// the namespace it lives in, which is the workload's own.
func objectEnv(p *rule.Pass, kind, ns, name string) (env, how string) {
	obj, found := p.Index.Object(kind, ns, name)
	if found {
		if pl := p.Index.Placement(obj); pl.Source == policy.SourceLabel && !pl.Undefined {
			return pl.Env, pl.Detail
		}
	}
	if e, ok := p.Policy.EnvOfName(name); ok {
		return e, "its name"
	}
	if found {
		if pl := p.Index.Placement(obj); pl.Source != policy.SourceOverride {
			return envOf(p, obj), pl.Detail
		}
	}
	if e := namespaceEnv(p, ns); e != "" {
		return e, "namespace " + ns
	}
	return "", ""
}
