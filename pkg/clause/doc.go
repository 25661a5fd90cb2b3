// Package clause is the catalogue of the company security policy clauses that
// guardrail's rules enforce. Every rule cites one or more clauses; reports can
// group findings by clause, so an auditor reads them in the policy's own terms.
//
// The clauses quote the policies under ../shared/seeds of the project's source
// (000 to 004); policy 002 is written in Dutch and its clauses carry an English
// translation next to the original.
package clause
