variable "cidr" {}
variable "name" {}

resource "aws_vpc" "this" {
  cidr_block = var.cidr
  tags       = { Name = var.name }
}

module "sub" {
  source = "./sub"
  vpc_id = aws_vpc.this.id
  base   = var.cidr
}

output "vpc_id" {
  value = aws_vpc.this.id
}

output "cidr" {
  value = aws_vpc.this.cidr_block
}

output "name_out" {
  value = "${var.name}-net"
}
