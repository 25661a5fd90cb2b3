// Package kustomize builds a Kustomize overlay in-process with the kustomize
// API (krusty), as `kubectl kustomize` or `kustomize build` would, and loads
// the objects it renders into guardrail's resource model.
//
// No kustomize binary runs and nothing is downloaded. Before the build, the
// kustomization files of the overlay and of every base and component it
// reaches are read: a remote resource (a git URL, an http(s) file), a missing
// file or directory, a kustomization cycle, a patch that is not valid YAML
// and kustomize's own Helm support are reported as error diagnostics naming
// the kustomization file, line and entry, and the overlay is not built. Files
// are loaded under kustomize's default load restrictor (root only); plugins
// are disabled.
//
// Every rendered object is one resource whose Unit is the overlay directory,
// so that GR-SEG-001 sees an overlay that mixes environments. The build runs
// with kustomize's origin annotations on (buildMetadata: [originAnnotations,
// transformerAnnotations], added to the overlay's kustomization in memory):
// config.kubernetes.io/origin names the file each object came from, and the
// annotations are removed before the object is judged.
//
// Locations point at the files a user edits:
//
//   - An attribute path is located in the patch that set it last (a strategic
//     merge patch that sets the field to the rendered value, or a JSON 6902
//     operation on the path or a parent of it), else in the object's source
//     file in the base or overlay when the field is written there with the
//     rendered value, else at the kustomization field of the transformer that
//     set it (namespace, namePrefix/nameSuffix, images, replicas,
//     commonLabels, labels, commonAnnotations); otherwise at the nearest
//     enclosing field so located.
//   - The object itself is located at the overlay's kustomization entry that
//     brings it in (a resources, components or generator entry), so that
//     path patterns such as overlays/prod/** place it in its environment.
package kustomize
