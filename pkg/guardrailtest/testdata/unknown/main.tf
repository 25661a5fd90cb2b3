variable "admin_cidr" {}

resource "aws_security_group" "bastion" {
  name        = "bastion"
  description = "SSH from the admin range"

  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = [var.admin_cidr]
  }
}
