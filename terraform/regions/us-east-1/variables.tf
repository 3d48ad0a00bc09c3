# Passed through to modules/region; the modules that use these values validate them (kafka_cluster, node_group).

variable "ami_id" {
  type        = string
  description = "Pin the hosts' AMI; null uses the newest official Debian 12 image of the region."
  default     = null
}

variable "broker_instance_type" {
  type        = string
  description = "Broker instance type (changing it replaces the broker instances; their data volumes are kept and re-attached)."
  default     = "r6i.2xlarge"
}
