variable "vpc_id" {}
variable "cidr" {}
variable "index" {
  type = number
}

resource "aws_security_group" "app" {
  vpc_id = var.vpc_id
  name   = "app-${var.index}"
  ingress {
    cidr_blocks = [var.cidr]
  }
}
