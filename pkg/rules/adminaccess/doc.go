// Package adminaccess holds the administrative-access rules (GR-ADMIN-*):
// no wildcard IAM grants, no cluster-admin bindings, no privileged or
// host-namespace containers, and no temporary access kept past its expiry.
package adminaccess
