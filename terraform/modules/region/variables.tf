variable "cluster_name" {
  type        = string
  description = "Name of this region's logpipe cluster (Cluster tag, resource names)."
  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,30}[a-z0-9]$", var.cluster_name))
    error_message = "var.cluster_name must be 3-32 lowercase letters, digits or '-', starting with a letter."
  }
}

variable "azs" {
  type        = list(string)
  description = "Availability zones used by the cluster (brokers, logmasters and Consul servers are spread over them)."
  validation {
    condition     = length(var.azs) >= 2 && length(distinct(var.azs)) == length(var.azs)
    error_message = "var.azs must list at least 2 distinct availability zones."
  }
}

variable "vpc_cidr" {
  type        = string
  description = "CIDR of the VPC created for the cluster (unused with existing_vpc_id)."
  default     = "10.40.0.0/16"
  validation {
    condition     = can(cidrhost(var.vpc_cidr, 0))
    error_message = "var.vpc_cidr must be an IPv4 CIDR such as 10.40.0.0/16."
  }
}

variable "existing_vpc_id" {
  type        = string
  description = "Use an existing VPC (with existing_subnet_ids) instead of creating one."
  default     = null
  validation {
    condition     = var.existing_vpc_id == null || can(regex("^vpc-", var.existing_vpc_id))
    error_message = "var.existing_vpc_id must be null or a VPC id."
  }
}

variable "existing_subnet_ids" {
  type        = map(string)
  description = "AZ -> existing private subnet id (with existing_vpc_id)."
  default     = {}
  validation {
    condition     = alltrue([for id in values(var.existing_subnet_ids) : can(regex("^subnet-", id))])
    error_message = "var.existing_subnet_ids values must be subnet ids."
  }
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
  validation {
    condition     = var.ami_id == null || can(regex("^ami-[0-9a-f]{8,17}$", var.ami_id))
    error_message = "var.ami_id must be null or an AMI id such as ami-0abc12345def67890."
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
  validation {
    condition     = length(var.brokers) >= 3
    error_message = "var.brokers must hold at least 3 brokers (replication factor 3, min.insync.replicas 2)."
  }
  validation {
    condition     = alltrue([for az in values(var.brokers) : contains(var.azs, az)])
    error_message = "var.brokers maps a broker to an AZ missing from var.azs."
  }
}

variable "controllers" {
  type        = map(string)
  description = "Dedicated KRaft controller node id -> AZ; empty runs brokers in combined mode."
  default     = {}
  validation {
    condition     = alltrue([for az in values(var.controllers) : contains(var.azs, az)])
    error_message = "var.controllers maps a controller to an AZ missing from var.azs."
  }
}

variable "broker_instance_type" {
  type        = string
  description = "Broker instance type: a storage-dense instance-store family (d3, d3en, i3en, i4i, d2) or an EBS-optimised one with data_volume."
  validation {
    condition     = can(regex("^[a-z][a-z0-9-]*\\.[a-z0-9]+$", var.broker_instance_type))
    error_message = "var.broker_instance_type must be an EC2 instance type such as r6i.2xlarge."
  }
}

variable "controller_instance_type" {
  type        = string
  description = "Instance type of dedicated controllers."
  default     = "m6i.large"
  validation {
    condition     = can(regex("^[a-z][a-z0-9-]*\\.[a-z0-9]+$", var.controller_instance_type))
    error_message = "var.controller_instance_type must be an EC2 instance type."
  }
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
  validation {
    condition     = var.data_volume.count >= 0
    error_message = "var.data_volume.count must not be negative."
  }
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
  validation {
    condition     = var.logmasters_per_az >= 1
    error_message = "var.logmasters_per_az must be at least 1 (every AZ has a logmaster)."
  }
}

variable "logmaster_instance_type" {
  type        = string
  description = "Logmaster instance type."
  default     = "c6i.large"
  validation {
    condition     = can(regex("^[a-z][a-z0-9-]*\\.[a-z0-9]+$", var.logmaster_instance_type))
    error_message = "var.logmaster_instance_type must be an EC2 instance type."
  }
}

variable "consul_servers" {
  type        = number
  description = "Consul servers, spread over the AZs: 3 or 5."
  default     = 3
  validation {
    condition     = contains([3, 5], var.consul_servers)
    error_message = "var.consul_servers must be 3 or 5."
  }
}

variable "consul_instance_type" {
  type        = string
  description = "Consul server instance type."
  default     = "t3.medium"
  validation {
    condition     = can(regex("^[a-z][a-z0-9-]*\\.[a-z0-9]+$", var.consul_instance_type))
    error_message = "var.consul_instance_type must be an EC2 instance type."
  }
}

variable "admin_security_group_id" {
  type        = string
  description = "Security group of admin/bastion hosts; null creates one."
  default     = null
  validation {
    condition     = var.admin_security_group_id == null || can(regex("^sg-", var.admin_security_group_id))
    error_message = "var.admin_security_group_id must be null or a security group id."
  }
}

variable "admin_cidrs" {
  type        = list(string)
  description = "Extra networks allowed SSH and the Consul UI (never 0.0.0.0/0)."
  default     = []
  validation {
    condition     = !contains(var.admin_cidrs, "0.0.0.0/0")
    error_message = "var.admin_cidrs must not contain 0.0.0.0/0."
  }
}

variable "producer_cidrs" {
  type        = list(string)
  description = "Networks of producer hosts (Beats and their Consul agents), never 0.0.0.0/0."
  default     = []
  validation {
    condition     = !contains(var.producer_cidrs, "0.0.0.0/0")
    error_message = "var.producer_cidrs must not contain 0.0.0.0/0."
  }
}

variable "kafka_client_cidrs" {
  type        = list(string)
  description = "Networks of Kafka consumers allowed the client listener, never 0.0.0.0/0."
  default     = []
  validation {
    condition     = !contains(var.kafka_client_cidrs, "0.0.0.0/0")
    error_message = "var.kafka_client_cidrs must not contain 0.0.0.0/0."
  }
}

variable "tags" {
  type        = map(string)
  description = "Tags added to every resource."
  default     = {}
}
