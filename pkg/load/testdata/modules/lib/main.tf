module "inner" {
  source = "./inner"
}

resource "null_resource" "lib" {}
