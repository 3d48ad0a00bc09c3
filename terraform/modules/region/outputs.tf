output "ansible_inventory" {
  description = "groups -> hosts -> vars, plus cluster-wide vars; `logpipe inventory from-terraform` turns it into an Ansible inventory."
  value = {
    vars = {
      logpipe_cluster = var.cluster_name
      aws_region      = data.aws_region.current.name
      kafka_storage   = module.kafka.storage
    }
    groups = {
      kafka_brokers     = module.kafka.inventory.kafka_brokers
      kafka_controllers = module.kafka.inventory.kafka_controllers
      logmasters        = module.logmasters.inventory_hosts
      consul_servers    = module.consul.inventory_hosts
      # Producers are the customers' own servers, added by their inventory (or the lab); the group always exists.
      producers = {}
    }
  }
}

output "brokers" {
  description = "Broker id -> host, AZ/rack, private IP, instance id."
  value       = module.kafka.brokers
}

output "data_volume_ids" {
  description = "\"broker/index\" -> data volume id (kept across instance replacement)."
  value       = module.kafka.data_volume_ids
}

output "vpc_id" {
  description = "The cluster's VPC."
  value       = module.network.vpc_id
}

output "security_group_ids" {
  description = "Role -> security group id."
  value       = module.security.security_group_ids
}

output "ingress_matrix" {
  description = "Every ingress rule of the cluster's security groups."
  value       = module.security.ingress_matrix
}
