locals {
  base = "10.0.0.0/16"
}

resource "null_resource" "f" {
  subnet    = cidrsubnet(local.base, 8, 2)
  host      = cidrhost("10.1.0.0/24", 5)
  netmask   = cidrnetmask("172.16.0.0/12")
  subnets   = cidrsubnets("10.0.0.0/16", 4, 4, 8)
  joined    = join(",", sort(distinct(concat(["b", "a"], ["a", "c"]))))
  merged    = merge({ a = 1 }, { b = 2 })
  lookup    = lookup({ a = "x" }, "b", null)
  len       = length("hello")
  fmt       = format("%s-%03d", "id", 7)
  trying    = try(local.missing, "fallback")
  cando     = can(regex("^a", "abc"))
  starts    = startswith("guardrail", "guard")
  decoded   = jsondecode("{\"k\": [1, 2]}")
  unknownfn = templatefile("x.tpl", {})
  partly    = ["known", uuid()]
  provfn    = provider::aws::arn_parse("arn:aws:iam::1:role/x")
  bad       = cidrsubnet("not-a-cidr", 8, 1)
  file      = file("${path.module}/data.txt")
  outside   = file("/etc/hostname")
  exists    = fileexists("data.txt")
}
