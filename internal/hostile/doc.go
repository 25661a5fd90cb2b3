// Package hostile proves how guardrail meets hostile and malformed input: a
// corpus of such inputs (committed under testdata when small, generated in
// the test when large) each of which must end in a clear diagnostic naming
// the file and the reason, within a time and memory bound, and never in a
// pass, a panic or a hang.
package hostile
