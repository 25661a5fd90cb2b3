resource "aws_security_group" "bastion" {
  name        = "bastion"
  description = "SSH from the VPN only"

  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["10.8.0.0/16"]
  }
}
