locals {
  a = "${local.b}-x"
  b = "${local.c}-y"
  c = "${local.a}-z"
}

resource "aws_security_group" "web" {
  name = local.a
}
