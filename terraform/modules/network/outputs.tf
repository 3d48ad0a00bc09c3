output "vpc_id" {
  description = "The VPC id (created or looked up)."
  value       = local.vpc_id
}

output "subnet_ids" {
  description = "AZ -> private subnet id."
  value       = local.subnet_ids
}

output "azs" {
  description = "The availability zones, in the given order."
  value       = var.azs
}
