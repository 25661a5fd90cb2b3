module "a" {
  source = "../a"
  count  = 0
}

resource "null_resource" "b" {}
