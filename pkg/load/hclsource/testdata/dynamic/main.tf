variable "rules" {
  default = [
    { port = 80, cidr = "0.0.0.0/0" },
    { port = 443, cidr = "10.0.0.0/8" },
  ]
}
variable "unknown_rules" {}

resource "aws_security_group" "d" {
  ingress {
    from_port = 22
  }
  dynamic "ingress" {
    for_each = var.rules
    content {
      from_port   = ingress.value.port
      cidr_blocks = [ingress.value.cidr]
    }
  }
  dynamic "egress" {
    for_each = var.rules
    iterator = rule
    content {
      to_port = rule.value.port
      index   = rule.key
    }
  }
}

resource "aws_security_group" "u" {
  dynamic "ingress" {
    for_each = var.unknown_rules
    content {
      from_port = ingress.value
    }
  }
}
