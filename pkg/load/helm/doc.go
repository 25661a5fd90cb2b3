// Package helm renders a Helm chart in-process with the Helm v4 SDK, as
// `helm template` does, and loads the objects it renders into guardrail's
// resource model.
//
// Rendering is client-only: no cluster is contacted (the lookup function
// returns nothing, as under `helm template`), no DNS is resolved, and nothing
// is downloaded. Dependencies are used as they are vendored under charts/
// (directories or archives); a dependency Chart.yaml declares that is not
// there is an error naming it, with its line in Chart.yaml. Values come from
// the chart's values.yaml, the values files given (later ones win), then
// --set assignments, as with helm; values.schema.json is enforced.
//
// Every rendered object is one resource whose Unit is the chart directory
// (the release). Namespaced objects without a namespace get the release
// namespace when one is given, so the release namespace places them in an
// environment as a namespace would. CRDs of the chart's crds/ directories
// are loaded too.
//
// Locations name the template that rendered an object, as the file under the
// chart directory (chart/templates/deployment.yaml, from the name `helm
// template` prints as "# Source:"), and lines within that template's rendered
// output: each document under its own "---" and "# Source:" line, as `helm
// template --show-only templates/deployment.yaml` prints a template that
// renders one document. The rendered text is what Set.Sources holds for that
// name, so report snippets show it. Errors of the chart itself (Chart.yaml,
// template syntax, a required value missing, a failing schema) point at the
// chart file and, for templates, the template's own line.
package helm
