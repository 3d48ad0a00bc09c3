output "security_group_ids" {
  description = "Role (kafka, logmaster, consul, producer, and agent for every host) -> security group id."
  value       = { for r, sg in aws_security_group.role : r => sg.id }
}

output "admin_security_group_id" {
  description = "The group SSH and the Consul UI are open to (given or created)."
  value       = local.admin_sg
}

output "ingress_matrix" {
  description = "Rule key (listener/to/source/protocol) -> port range, for review and tests."
  value = merge(
    { for k, r in local.group_rules : k => "${r.from_port}-${r.to_port}" },
    { for k, r in local.cidr_rules : k => "${r.from_port}-${r.to_port} from ${join(",", r.cidrs)}" },
  )
}
