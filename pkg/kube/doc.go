// Package kube gives rules typed views of Kubernetes objects held in the
// resource model: the pod template of every workload kind (so a Deployment,
// a CronJob and a bare Pod are judged alike, as kube-linter's extract.PodSpec
// does), Services, Ingresses, NetworkPolicies and RBAC objects as client-go
// types, with the attribute path of each view so findings point at the field;
// and what the objects say to their cloud, such as whether a LoadBalancer
// Service asks for an internal load balancer.
//
// Views are decoded on first use and cached on the resource, so the several
// rules that read one pod spec decode it once.
package kube
