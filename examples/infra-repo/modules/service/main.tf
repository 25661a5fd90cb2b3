# A service's network edge: a security group that admits HTTPS from the
# load balancer's range only.
variable "name" {}
variable "vpc_id" {}
variable "lb_cidr" {}

resource "aws_security_group" "service" {
  name        = var.name
  description = "HTTPS from the load balancer"
  vpc_id      = var.vpc_id

  ingress {
    description = "HTTPS from the load balancer"
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = [var.lb_cidr]
  }
}

output "security_group_id" {
  value = aws_security_group.service.id
}
