variable "from_default" {
  default = "default"
}
variable "from_tfvars" {
  default = "default"
}
variable "from_tfvars_json" {
  default = "default"
}
variable "from_auto" {
  default = "default"
}
variable "from_auto_json" {
  default = "default"
}
variable "from_varfile" {
  default = "default"
}
variable "from_cli" {
  default = "default"
}
variable "no_value" {}
variable "port" {
  type    = number
  default = "8080"
}
variable "cidrs" {
  type = list(string)
}
variable "obj" {
  type = object({
    name    = string
    enabled = optional(bool, true)
  })
  default = { name = "x" }
}
variable "bad_type" {
  type    = number
  default = "not a number"
}

resource "null_resource" "v" {
  from_default     = var.from_default
  from_tfvars      = var.from_tfvars
  from_tfvars_json = var.from_tfvars_json
  from_auto        = var.from_auto
  from_auto_json   = var.from_auto_json
  from_varfile     = var.from_varfile
  from_cli         = var.from_cli
  no_value         = var.no_value
  port             = var.port
  cidrs            = var.cidrs
  obj              = var.obj
  bad_type         = var.bad_type
  workspace        = terraform.workspace
  path_module      = path.module
}
