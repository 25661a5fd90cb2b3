# a and b call each other; a, first in path order, is loaded as the root.
module "b" {
  source = "../b"
}

resource "null_resource" "a" {}
