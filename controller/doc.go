// Package controller holds guardrail's controllers:
//
//   - PolicyReconciler loads the GuardrailPolicy the manager enforces into
//     the webhook's PolicyHolder on every replica, so a change takes effect
//     without a restart, and reports in the policy's status whether it is
//     valid and active. An invalid spec never replaces the last valid one.
//   - Auditor evaluates the objects already in the cluster, periodically and
//     when they change, with the same engine the webhook and linter use. It
//     records each violation once as a Kubernetes Event on the object (under a
//     name derived from the violation, so restarts and leader changes never
//     duplicate it), summarises the audit in the policy's status, exports
//     metrics, and removes RoleBindings whose temporary access has expired
//     when the policy says so.
package controller
