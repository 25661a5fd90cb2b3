variable "unknown_count" {}

resource "aws_instance" "counted" {
  count         = 2
  ami           = "ami-${count.index}"
  instance_type = "t3.micro"
}

resource "aws_instance" "none" {
  count = 0
  ami   = "never"
}

resource "aws_instance" "keyed" {
  for_each = {
    a = "t3.small"
    "b c" = "t3.large"
  }
  instance_type = each.value
  name          = each.key
}

resource "aws_instance" "set" {
  for_each = toset(["x", "y"])
  name     = each.value
}

resource "aws_instance" "empty" {
  for_each = {}
  name     = each.key
}

resource "aws_instance" "unknown" {
  count = var.unknown_count
  name  = "n-${count.index}"
}

resource "aws_instance" "huge" {
  count = 100000
  name  = "h"
}
