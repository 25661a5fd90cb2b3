package ports_test

import (
	"testing"

	"github.com/guardrail-dev/guardrail/pkg/rules/ruletest"
)

func TestPublicIP(t *testing.T) {
	ruletest.Run(t, "GR-PORT-010", []ruletest.Case{
		{
			Name: "hcl aws instances, launch configurations and templates",
			HCL: `
resource "aws_instance" "web" {
  ami                         = "ami-1"
  instance_type               = "t3.micro"
  associate_public_ip_address = true
  tags = {
    Name = "web-private-a"
  }
}
resource "aws_instance" "subnet_decides" {
  ami           = "ami-1"
  instance_type = "t3.micro"
}
resource "aws_launch_configuration" "lc" {
  image_id                    = "ami-1"
  instance_type               = "t3.micro"
  associate_public_ip_address = true
}
resource "aws_launch_template" "lt" {
  name = "lt"
  network_interfaces {
    associate_public_ip_address = "true"
  }
  network_interfaces {
    associate_public_ip_address = "false"
    device_index                = 1
  }
}`,
			Want: []ruletest.Want{
				{Address: "aws_instance.web", Path: "associate_public_ip_address", Line: 5,
					Message: "the instance is given a public IP address (associate_public_ip_address), although it is tagged as private (Name=web-private-a)"},
				{Address: "aws_launch_configuration.lc", Message: "every instance launched from the configuration is given a public IP address"},
				{Address: "aws_launch_template.lt", Path: "network_interfaces[0].associate_public_ip_address", Message: "every instance launched from the template"},
			},
		},
		{
			Name: "hcl subnets",
			HCL: `
resource "aws_subnet" "public" {
  vpc_id                  = "vpc-1"
  cidr_block              = "10.0.0.0/24"
  map_public_ip_on_launch = true
}
resource "aws_subnet" "private" {
  vpc_id     = "vpc-1"
  cidr_block = "10.0.1.0/24"
}
resource "aws_default_subnet" "default" {
  availability_zone       = "eu-west-1a"
  map_public_ip_on_launch = true
  tags = {
    Tier = "private"
  }
}`,
			Want: []ruletest.Want{
				{Address: "aws_subnet.public", Message: "every instance launched in the subnet is given a public IP address (map_public_ip_on_launch)"},
				{Address: "aws_default_subnet.default", Message: "although it is tagged as private (Tier=private)"},
			},
		},
		{
			Name: "hcl ecs services",
			HCL: `
resource "aws_ecs_service" "public" {
  name = "public"
  network_configuration {
    subnets          = ["subnet-1"]
    assign_public_ip = true
  }
}
resource "aws_ecs_service" "private" {
  name = "private"
  network_configuration {
    subnets = ["subnet-1"]
  }
}`,
			Want: []ruletest.Want{{Address: "aws_ecs_service.public", Path: "network_configuration[0].assign_public_ip", Message: "every task of the service"}},
		},
		{
			Name: "hcl gcp instances and templates with and without access_config",
			HCL: `
resource "google_compute_instance" "public" {
  name         = "public"
  machine_type = "e2-small"
  zone         = "europe-west1-b"
  network_interface {
    network = "default"
    access_config {}
  }
}
resource "google_compute_instance" "private" {
  name         = "private"
  machine_type = "e2-small"
  zone         = "europe-west1-b"
  network_interface {
    network = "default"
  }
}
resource "google_compute_instance_template" "tpl" {
  name         = "tpl"
  machine_type = "e2-small"
  network_interface {
    network = "default"
    access_config {
      network_tier = "PREMIUM"
    }
  }
}`,
			Want: []ruletest.Want{
				{Address: "google_compute_instance.public", Path: "network_interface[0].access_config", Message: "the instance is given a public IP address (access_config)"},
				{Address: "google_compute_instance_template.tpl", Message: "every instance made from the template"},
			},
		},
		{
			Name: "hcl azure network interfaces",
			HCL: `
resource "azurerm_public_ip" "pip" {
  name                = "pip"
  resource_group_name = "rg"
  location            = "westeurope"
  allocation_method   = "Static"
}
resource "azurerm_network_interface" "public" {
  name                = "public"
  resource_group_name = "rg"
  location            = "westeurope"
  ip_configuration {
    name                          = "ip"
    subnet_id                     = "subnet-1"
    private_ip_address_allocation = "Dynamic"
    public_ip_address_id          = azurerm_public_ip.pip.id
  }
}
resource "azurerm_network_interface" "private" {
  name                = "private"
  resource_group_name = "rg"
  location            = "westeurope"
  ip_configuration {
    name                          = "ip"
    subnet_id                     = "subnet-1"
    private_ip_address_allocation = "Dynamic"
  }
}
variable "pip_id" {}
resource "azurerm_network_interface" "var" {
  name                = "var"
  resource_group_name = "rg"
  location            = "westeurope"
  ip_configuration {
    name                          = "ip"
    subnet_id                     = "subnet-1"
    private_ip_address_allocation = "Dynamic"
    public_ip_address_id          = var.pip_id
  }
}`,
			Want: []ruletest.Want{
				{Address: "azurerm_network_interface.public", Path: "ip_configuration[0].public_ip_address_id",
					Message: "the network interface is given a public IP address (public_ip_address_id refers to a public IP)"},
				{Address: "azurerm_network_interface.var", Path: "ip_configuration[0].public_ip_address_id", Undecidable: true},
			},
		},
		{
			Name: "plan instance whose public IP is left to the subnet",
			Plan: ruletest.Plan(
				ruletest.Change{Address: "aws_instance.app", After: map[string]any{"ami": "ami-1", "instance_type": "t3.micro"},
					Unknown: map[string]any{"associate_public_ip_address": true, "public_ip": true}},
				ruletest.Change{Address: "aws_instance.public", After: map[string]any{"ami": "ami-1", "associate_public_ip_address": true}},
			),
			Want: []ruletest.Want{{Address: "aws_instance.public", Path: "associate_public_ip_address"}},
		},
		{
			Name: "plan deleted subnet is not judged",
			Plan: ruletest.Plan(ruletest.Change{Address: "aws_subnet.old", Actions: []string{"delete"},
				Before: map[string]any{"map_public_ip_on_launch": true}}),
		},
		{
			Name: "policy limits the rule to production",
			Policy: policyWith(`  rules:
    GR-PORT-010:
      environments: [prod]
`),
			HCL: `
resource "aws_subnet" "dev" {
  vpc_id                  = "vpc-1"
  cidr_block              = "10.0.0.0/24"
  map_public_ip_on_launch = true
  tags                    = { Environment = "dev" }
}
resource "aws_subnet" "prod" {
  vpc_id                  = "vpc-1"
  cidr_block              = "10.1.0.0/24"
  map_public_ip_on_launch = true
  tags                    = { Environment = "prod" }
}`,
			Want: []ruletest.Want{{Address: "aws_subnet.prod"}},
		},
	})
}
