package hclsource

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// BenchmarkLoadModule loads a generated module of about 2,000 resources with
// variables, locals, references, count, for_each and dynamic blocks.
func BenchmarkLoadModule(b *testing.B) {
	dir := b.TempDir()
	var src strings.Builder
	src.WriteString(`provider "aws" {
  region = "eu-west-1"
  default_tags {
    tags = { Environment = "prod" }
  }
}
variable "cidr" { default = "10.0.0.0/8" }
variable "ports" { default = [80, 443, 8080] }
locals {
  name = "bench"
  tags = { Owner = "team", Name = local.name }
}
resource "aws_vpc" "main" {
  cidr_block = var.cidr
  tags       = local.tags
}
`)
	for i := 0; i < 400; i++ {
		fmt.Fprintf(&src, `
resource "aws_subnet" "s%[1]d" {
  vpc_id     = aws_vpc.main.id
  cidr_block = cidrsubnet(var.cidr, 16, %[1]d)
  tags       = merge(local.tags, { Index = "%[1]d" })
}

resource "aws_security_group" "g%[1]d" {
  name   = "${local.name}-%[1]d"
  vpc_id = aws_vpc.main.id
  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = [aws_subnet.s%[1]d.cidr_block]
  }
  dynamic "ingress" {
    for_each = var.ports
    content {
      from_port   = ingress.value
      to_port     = ingress.value
      protocol    = "tcp"
      cidr_blocks = ["0.0.0.0/0"]
    }
  }
  tags = local.tags
}

resource "aws_instance" "i%[1]d" {
  count         = 2
  ami           = "ami-%[1]d"
  instance_type = "t3.micro"
  subnet_id     = aws_subnet.s%[1]d.id
  vpc_security_group_ids = [aws_security_group.g%[1]d.id]
  tags          = { Name = "i%[1]d-${count.index}" }
}

resource "aws_route53_record" "r%[1]d" {
  for_each = toset(["a", "b"])
  name     = "${each.key}.%[1]d.example.com"
  records  = [aws_instance.i%[1]d[0].private_ip]
}
`, i)
	}
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(src.String()), 0o644); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	var n int
	for b.Loop() {
		set, err := LoadModule(context.Background(), dir, Options{})
		if err != nil {
			b.Fatal(err)
		}
		n = len(set.Resources)
	}
	b.ReportMetric(float64(n), "resources/op")
}
