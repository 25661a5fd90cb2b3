// Package load turns the paths a user names (files, directories, or "-" for
// standard input) into one resource.Set, choosing for each input the loader
// that reads it: Terraform root modules (hclsource), Terraform plans
// rendered by `terraform show -json` (tfplan), Kubernetes manifests
// (manifest), Kustomize overlays built in-process (kustomize) and Helm
// charts rendered in-process (helm).
//
// Directories are walked without following symbolic links to directories.
// Every directory holding .tf or .tf.json files is a Terraform root module,
// except those another module in the walk calls as a local module source:
// their resources are loaded inside the caller, under module.NAME. JSON files
// are told apart by their content (Detect), YAML files are Kubernetes
// manifests, and guardrail's own policy files are skipped. A directory
// holding a Chart.yaml is a Helm chart, rendered with its default values and
// not walked further. A directory holding a kustomization file is built with
// kustomize, and the manifests directly in it are its inputs, not read on
// their own; a kustomization another kustomization of the walk builds (a
// base under its overlays), and a manifest one lists, are judged only as
// built, once, unless named explicitly. Kustomizations and charts can also
// be named with Options.Kustomizations and Options.Charts (the CLI's -k and
// --helm). Other files in a walked directory are ignored, but a file named
// explicitly is never silently ignored.
//
// Resources come out in a deterministic order: by input path, then by their
// order within the file. Locations name files as the user gave their paths,
// joined with the walked relative paths, with forward slashes.
package load
