# A deliberate violation: SSH open to the world.
resource "aws_security_group" "bastion" {
  name        = "bastion"
  description = "SSH from anywhere"
  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}
