module "me" {
  source = "./"
}

resource "null_resource" "once" {}
