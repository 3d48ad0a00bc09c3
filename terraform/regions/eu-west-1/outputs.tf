output "ansible_inventory" {
  description = "groups -> hosts -> vars for `logpipe inventory from-terraform`."
  value       = module.region.ansible_inventory
}

output "brokers" {
  description = "Broker id -> host, AZ/rack, private IP, instance id."
  value       = module.region.brokers
}

output "data_volume_ids" {
  description = "\"broker/index\" -> data volume id."
  value       = module.region.data_volume_ids
}
