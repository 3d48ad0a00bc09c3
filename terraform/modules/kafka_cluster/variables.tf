variable "cluster_name" {
  type        = string
  description = "Kafka cluster name; tags (Cluster) and resource names."
  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,30}[a-z0-9]$", var.cluster_name))
    error_message = "var.cluster_name must be 3-32 lowercase letters, digits or '-', starting with a letter."
  }
}

variable "brokers" {
  type        = map(string)
  description = "Stable broker id -> availability zone. The AZ is also the broker's rack. Never renumber a broker."
  validation {
    condition     = length(var.brokers) >= 3
    error_message = "var.brokers must hold at least 3 brokers (replication factor 3, min.insync.replicas 2)."
  }
  validation {
    condition     = alltrue([for id in keys(var.brokers) : can(regex("^[1-9][0-9]{0,8}$", id))])
    error_message = "var.brokers must be keyed by broker ids (positive integers without leading zeros, as strings)."
  }
  validation {
    condition     = alltrue([for id, az in var.brokers : contains(keys(var.subnet_ids), az)])
    error_message = "var.brokers maps a broker to an AZ that has no subnet in var.subnet_ids."
  }
  validation {
    # Even spread: over the AZs of var.subnet_ids, broker counts differ by at most one.
    condition = (
      max([for az in keys(var.subnet_ids) : length([for id, b in var.brokers : id if b == az])]...) -
      min([for az in keys(var.subnet_ids) : length([for id, b in var.brokers : id if b == az])]...)
    ) <= 1
    error_message = "var.brokers must spread brokers evenly over the AZs of var.subnet_ids (counts per AZ may differ by at most one)."
  }
}

variable "controllers" {
  type        = map(string)
  description = "Dedicated KRaft controller node id -> AZ; empty for combined broker+controller mode. 3 or 5 entries."
  default     = {}
  validation {
    condition     = contains([0, 3, 5], length(var.controllers)) && alltrue([for id in keys(var.controllers) : can(regex("^[1-9][0-9]{0,8}$", id))])
    error_message = "var.controllers must be empty or hold 3 or 5 entries keyed by node ids (positive integers as strings)."
  }
  validation {
    condition     = length(setintersection(toset(keys(var.controllers)), toset(keys(var.brokers)))) == 0
    error_message = "var.controllers node ids must differ from every id in var.brokers."
  }
  validation {
    condition     = alltrue([for id, az in var.controllers : contains(keys(var.subnet_ids), az)]) && length(distinct(values(var.controllers))) == min(length(var.controllers), length(var.subnet_ids))
    error_message = "var.controllers must use AZs of var.subnet_ids and cover as many distinct AZs as possible."
  }
}

variable "subnet_ids" {
  type        = map(string)
  description = "AZ -> private subnet id (the network module's subnet_ids)."
  validation {
    condition     = length(var.subnet_ids) >= 1
    error_message = "var.subnet_ids must name at least one subnet."
  }
}

variable "security_group_ids" {
  type        = list(string)
  description = "Security groups of every broker and controller (the security module's kafka group)."
  validation {
    condition     = length(var.security_group_ids) >= 1
    error_message = "var.security_group_ids must list at least one security group."
  }
}

variable "ami_id" {
  type        = string
  description = "AMI of brokers and controllers (Debian 12)."
  validation {
    condition     = can(regex("^ami-[0-9a-f]{8,17}$", var.ami_id))
    error_message = "var.ami_id must be an AMI id such as ami-0abc12345def67890."
  }
}

variable "instance_type" {
  type        = string
  description = "Broker instance type. Instance-store families (d2, d3, d3en, i3en, i4i) keep data on local disks; any other family gets EBS data volumes."
  validation {
    condition     = can(regex("^[a-z][a-z0-9-]*\\.[a-z0-9]+$", var.instance_type))
    error_message = "var.instance_type must be an EC2 instance type such as r6i.2xlarge or d3.2xlarge."
  }
  validation {
    condition     = !contains(["t2", "t1", "m1", "c1"], split(".", var.instance_type)[0])
    error_message = "var.instance_type must be EBS-optimisable (not t1/t2/m1/c1)."
  }
}

variable "controller_instance_type" {
  type        = string
  description = "Instance type of dedicated controllers."
  default     = "m6i.large"
  validation {
    condition     = can(regex("^[a-z][a-z0-9-]*\\.[a-z0-9]+$", var.controller_instance_type))
    error_message = "var.controller_instance_type must be an EC2 instance type such as m6i.large."
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
  description = "EBS data volumes per broker (st1 or gp3), separate from the instance and kept across its replacement. Use count = 0 with an instance-store family."
  default     = { count = 1, size_gib = 500, type = "st1" }
  validation {
    condition     = contains(["st1", "gp3"], var.data_volume.type)
    error_message = "var.data_volume.type must be st1 or gp3."
  }
  validation {
    condition     = var.data_volume.count >= 0 && var.data_volume.count <= 8 && floor(var.data_volume.count) == var.data_volume.count
    error_message = "var.data_volume.count must be a whole number from 0 to 8."
  }
  validation {
    condition     = var.data_volume.size_gib >= (var.data_volume.type == "st1" ? 125 : 1) && var.data_volume.size_gib <= 16384
    error_message = "var.data_volume.size_gib must be 125-16384 for st1 and 1-16384 for gp3."
  }
  validation {
    condition = (
      contains(["d2", "d3", "d3en", "i3en", "i4i"], split(".", var.instance_type)[0])
      ? var.data_volume.count == 0 : var.data_volume.count >= 1
    )
    error_message = "var.data_volume.count must be 0 with an instance-store family (d2/d3/d3en/i3en/i4i) and at least 1 otherwise."
  }
}

variable "root_volume_size_gib" {
  type        = number
  description = "Root volume size of brokers and controllers (controllers keep the metadata log on it)."
  default     = 30
  validation {
    condition     = var.root_volume_size_gib >= 8 && var.root_volume_size_gib <= 1024
    error_message = "var.root_volume_size_gib must be from 8 to 1024."
  }
}

variable "create_kms_key" {
  type        = bool
  description = "Create a KMS key for this cluster's volumes; false uses kms_key_arn (a regional key made elsewhere)."
  default     = true
}

variable "kms_key_arn" {
  type        = string
  description = "Regional KMS key encrypting the volumes, required when create_kms_key is false."
  default     = null
  validation {
    condition     = var.create_kms_key ? var.kms_key_arn == null : var.kms_key_arn != null
    error_message = "var.kms_key_arn must be set exactly when var.create_kms_key is false."
  }
  validation {
    condition     = var.kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:", var.kms_key_arn))
    error_message = "var.kms_key_arn must be null or a KMS key ARN."
  }
}

variable "placement_group_enabled" {
  type        = bool
  description = "Put brokers in a placement group (off by default)."
  default     = false
}

variable "placement_group_strategy" {
  type        = string
  description = "Placement group strategy when enabled: partition (one partition per AZ-rack) or spread."
  default     = "partition"
  validation {
    condition     = contains(["partition", "spread"], var.placement_group_strategy)
    error_message = "var.placement_group_strategy must be partition or spread."
  }
}

variable "stable_network_interfaces" {
  type        = bool
  description = "Give each broker its own network interface keyed by broker id, so its private IP survives instance replacement."
  default     = false
}

variable "broker_private_ips" {
  type        = map(string)
  description = "Broker id -> fixed private IP (only with stable_network_interfaces)."
  default     = {}
  validation {
    condition     = alltrue([for id, ip in var.broker_private_ips : contains(keys(var.brokers), id) && can(cidrhost("${ip}/32", 0))])
    error_message = "var.broker_private_ips must map ids of var.brokers to IPv4 addresses."
  }
  validation {
    condition     = length(var.broker_private_ips) == 0 || var.stable_network_interfaces
    error_message = "var.broker_private_ips needs var.stable_network_interfaces = true."
  }
}

variable "tags" {
  type        = map(string)
  description = "Tags added to every resource."
  default     = {}
}
