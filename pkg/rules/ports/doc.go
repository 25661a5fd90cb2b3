// Package ports holds the port-restriction rules (GR-PORT-*): no
// administration or database port open to the world, no all-ports rule open
// to the world, only the ports the policy allows per environment, no
// publicly accessible databases or management endpoints, no automatic public
// IPs, and in Kubernetes no hostPort, hostNetwork or NodePort and no
// LoadBalancer without source ranges, unless the policy allows them.
//
// Terraform firewalls are read through package netrule, so AWS security
// groups in all three syntaxes, network ACLs, GCP firewalls and Azure NSGs
// are judged by the same code.
package ports
