module "lib" {
  source = "../../lib"
}
