// Package netrule reads the traffic rules of cloud firewalls written in
// Terraform into one shape, so port and segregation rules judge AWS security
// groups (inline blocks, aws_security_group_rule and the
// aws_vpc_security_group_*_rule resources), network ACLs, GCP firewalls and
// Azure network security groups alike.
//
// A Rule says: traffic in a direction, for a protocol and port range, from (or
// to) these peers, is allowed or denied, and where in the resource that is
// written. Protocols without ports (ICMP, ESP) have the port range -1. Values
// unknown until apply stay unknown, so callers can report "cannot be decided
// statically" instead of guessing; unknown peers are told apart from unknown
// ports. What the providers assume when a value is left out is made explicit:
// a GCP ingress firewall without sources admits 0.0.0.0/0, and inline rule
// blocks a plan shows as computed (left out of the configuration, filled from
// separate rule resources) hold no rules.
//
// Rules of ordered sets written as separate resources (aws_network_acl_rule,
// azurerm_network_security_rule) are evaluated with their siblings: SetOf
// names the set a resource belongs to.
package netrule
