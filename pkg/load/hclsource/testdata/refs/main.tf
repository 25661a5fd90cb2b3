data "aws_caller_identity" "me" {}

resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
  tags       = { Name = "main" }
}

locals {
  vpc_id = aws_vpc.main.id
}

resource "aws_subnet" "a" {
  count      = 2
  vpc_id     = local.vpc_id
  cidr_block = cidrsubnet(aws_vpc.main.cidr_block, 8, count.index)
  account    = data.aws_caller_identity.me.account_id
  name       = aws_vpc.main.tags["Name"]
  depends_on = [aws_vpc.main]
}

resource "aws_instance" "web" {
  subnet_id = aws_subnet.a[0].id
  cidr      = aws_subnet.a[1].cidr_block
  all_ids   = aws_subnet.a[*].id
  network_interface {
    subnet_id = aws_subnet.a[1].vpc_id
  }
}
