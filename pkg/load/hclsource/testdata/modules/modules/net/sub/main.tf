variable "vpc_id" {}
variable "base" {}

resource "aws_subnet" "s" {
  vpc_id     = var.vpc_id
  cidr_block = cidrsubnet(var.base, 8, 0)
}
