# Every input is validated once, by the module that uses it: values this module only passes on are checked by
# the tier module receiving them (network, security, kafka_cluster, node_group), whose errors name the tier's
# variable and point at the line here that passes it. Checked here: the AMI lookup inputs, which only this module
# uses.

variable "cluster_name" {
  type        = string
  description = "Name of this region's logpipe cluster (Cluster tag, resource names)."
}

variable "azs" {
  type        = list(string)
  description = "Availability zones used by the cluster (brokers, logmasters and Consul servers are spread over them)."
}

variable "vpc_cidr" {
  type        = string
  description = "CIDR of the VPC created for the cluster (unused with existing_vpc_id)."
  default     = "10.40.0.0/16"
}

variable "existing_vpc_id" {
  type        = string
  description = "Use an existing VPC (with existing_subnet_ids) instead of creating one."
  default     = null
}

variable "existing_subnet_ids" {
  type        = map(string)
  description = "AZ -> existing private subnet id (with existing_vpc_id)."
  default     = {}
}

variable "ami_lookup" {
  type        = bool
  description = "Look the hosts' AMI up (newest image named ami_name_pattern owned by ami_owner); false uses ami_id."
  default     = true
}

variable "ami_id" {
  type        = string
  description = "AMI for every host when ami_lookup is false."
  default     = null
  validation {
    condition     = var.ami_lookup ? var.ami_id == null : var.ami_id != null
    error_message = "var.ami_id must be set exactly when var.ami_lookup is false."
  }
}

variable "ami_owner" {
  type        = string
  description = "Owner account of the AMI lookup (Debian's official images by default)."
  default     = "136693071363"
  validation {
    condition     = can(regex("^[0-9]{12}$", var.ami_owner))
    error_message = "var.ami_owner must be a 12-digit AWS account id."
  }
}

variable "ami_name_pattern" {
  type        = string
  description = "Name pattern of the AMI lookup."
  default     = "debian-12-amd64-*"
  validation {
    condition     = length(var.ami_name_pattern) > 0
    error_message = "var.ami_name_pattern must not be empty."
  }
}

variable "brokers" {
  type        = map(string)
  description = "Stable broker id -> AZ (also its rack). Add ids to grow; never renumber."
}

variable "controllers" {
  type        = map(string)
  description = "Dedicated KRaft controller node id -> AZ; empty runs brokers in combined mode."
  default     = {}
}

variable "broker_instance_type" {
  type        = string
  description = "Broker instance type: a storage-dense instance-store family (d3, d3en, i3en, i4i, d2) or an EBS-optimised one with data_volume."
}

variable "controller_instance_type" {
  type        = string
  description = "Instance type of dedicated controllers."
  default     = "m6i.large"
}

variable "data_volume" {
  type = object({
    count      = number
    size_gib   = number
    type       = string
    iops       = optional(number)
    throughput = optional(number)
  })
  description = "EBS data volumes per broker (count 0 with an instance-store family)."
  default     = { count = 1, size_gib = 500, type = "st1" }
}

variable "placement_group_enabled" {
  type        = bool
  description = "Put brokers in a placement group."
  default     = false
}

variable "stable_network_interfaces" {
  type        = bool
  description = "Give each broker a network interface keyed by its id (private IP kept across replacement)."
  default     = false
}

variable "logmasters_per_az" {
  type        = number
  description = "Logmasters in every AZ."
  default     = 1
}

variable "logmaster_instance_type" {
  type        = string
  description = "Logmaster instance type."
  default     = "c6i.large"
}

variable "consul_servers" {
  type        = number
  description = "Consul servers, spread over the AZs: 3 or 5."
  default     = 3
}

variable "consul_instance_type" {
  type        = string
  description = "Consul server instance type."
  default     = "t3.medium"
}

variable "admin_security_group_id" {
  type        = string
  description = "Security group of admin/bastion hosts; null creates one."
  default     = null
}

variable "admin_cidrs" {
  type        = list(string)
  description = "Extra networks allowed SSH and the Consul UI (never 0.0.0.0/0)."
  default     = []
}

variable "producer_cidrs" {
  type        = list(string)
  description = "Networks of producer hosts (Beats and their Consul agents), never 0.0.0.0/0."
  default     = []
}

variable "kafka_client_cidrs" {
  type        = list(string)
  description = "Networks of Kafka consumers allowed the client listener, never 0.0.0.0/0."
  default     = []
}

variable "tags" {
  type        = map(string)
  description = "Tags added to every resource."
  default     = {}
}
