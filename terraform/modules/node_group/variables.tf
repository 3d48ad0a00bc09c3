variable "name" {
  type        = string
  description = "Host name prefix and role of the group, such as logmaster or consul."
  validation {
    condition     = can(regex("^[a-z][a-z0-9]{1,20}$", var.name))
    error_message = "var.name must be 2-21 lowercase letters or digits, starting with a letter (it prefixes DNS-safe host names)."
  }
}

variable "cluster_name" {
  type        = string
  description = "Cluster the group belongs to (Cluster tag)."
  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,30}[a-z0-9]$", var.cluster_name))
    error_message = "var.cluster_name must be 3-32 lowercase letters, digits or '-', starting with a letter."
  }
}

variable "role_tag" {
  type        = string
  description = "Value of the Role tag (the aws_ec2 inventory plugin groups on it), such as logmaster or consul_server."
  validation {
    condition     = can(regex("^[a-z][a-z0-9_]{1,30}$", var.role_tag))
    error_message = "var.role_tag must be lowercase letters, digits or '_'."
  }
}

variable "layout" {
  type        = string
  description = "per_az: `size` hosts in every AZ, named NAME-<az letter><n> (logmaster-a1); spread: `size` hosts in total, round-robin over the AZs, named NAME-<n> (consul-1)."
  validation {
    condition     = contains(["per_az", "spread"], var.layout)
    error_message = "var.layout must be per_az or spread."
  }
}

variable "size" {
  type        = number
  description = "Hosts per AZ (layout per_az) or in total (layout spread)."
  validation {
    condition     = var.size >= 1 && var.size <= 32 && floor(var.size) == var.size
    error_message = "var.size must be a whole number from 1 to 32."
  }
  validation {
    condition     = length(var.allowed_sizes) == 0 || contains(var.allowed_sizes, var.size)
    error_message = "var.size is not one of var.allowed_sizes (a Consul server group needs 3 or 5)."
  }
}

variable "allowed_sizes" {
  type        = list(number)
  description = "If not empty, the only sizes accepted (quorum groups: [3, 5])."
  default     = []
}

variable "subnet_ids" {
  type        = map(string)
  description = "AZ -> subnet id; hosts go into these AZs in sorted AZ order."
  validation {
    condition     = length(var.subnet_ids) >= 1 && alltrue([for az in keys(var.subnet_ids) : can(regex("[a-z]$", az))])
    error_message = "var.subnet_ids must map at least one availability zone name (ending in its letter) to a subnet id."
  }
}

variable "security_group_ids" {
  type        = list(string)
  description = "Security groups of the hosts."
  validation {
    condition     = length(var.security_group_ids) >= 1
    error_message = "var.security_group_ids must list at least one security group."
  }
}

variable "ami_id" {
  type        = string
  description = "AMI of the hosts (Debian 12)."
  validation {
    condition     = can(regex("^ami-[0-9a-f]{8,17}$", var.ami_id))
    error_message = "var.ami_id must be an AMI id such as ami-0abc12345def67890."
  }
}

variable "instance_type" {
  type        = string
  description = "Instance type of the hosts."
  validation {
    condition     = can(regex("^[a-z][a-z0-9-]*\\.[a-z0-9]+$", var.instance_type))
    error_message = "var.instance_type must be an EC2 instance type such as c6i.large."
  }
}

variable "root_volume_size_gib" {
  type        = number
  description = "Root volume size (the logmaster's persisted queue lives here)."
  default     = 30
  validation {
    condition     = var.root_volume_size_gib >= 8 && var.root_volume_size_gib <= 4096
    error_message = "var.root_volume_size_gib must be from 8 to 4096."
  }
}

variable "kms_key_arn" {
  type        = string
  description = "KMS key encrypting the root volumes."
  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:", var.kms_key_arn))
    error_message = "var.kms_key_arn must be a KMS key ARN."
  }
}

variable "tags" {
  type        = map(string)
  description = "Tags added to every host."
  default     = {}
}
