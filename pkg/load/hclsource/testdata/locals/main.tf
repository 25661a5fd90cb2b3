locals {
  env    = "prod"
  name   = "${local.prefix}-${local.env}"
  prefix = upper("app")
  a      = local.b
  b      = local.c
  c      = local.a
  uses_cycle = "x-${local.a}"
}

resource "null_resource" "l" {
  name  = local.name
  cycle = local.uses_cycle
}
