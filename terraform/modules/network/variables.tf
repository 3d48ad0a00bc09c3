variable "name" {
  type        = string
  description = "Name prefix for the VPC and subnets (the cluster name)."
  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,30}[a-z0-9]$", var.name))
    error_message = "var.name must be 3-32 lowercase letters, digits or '-', starting with a letter."
  }
}

variable "azs" {
  type        = list(string)
  description = "Availability zones to place one private subnet in each (at least 2, at most 6, no repeats)."
  validation {
    condition     = length(var.azs) >= 2 && length(var.azs) <= 6 && length(distinct(var.azs)) == length(var.azs)
    error_message = "var.azs must list 2 to 6 distinct availability zones."
  }
  validation {
    condition     = alltrue([for az in var.azs : can(regex("^[a-z]{2}(-[a-z]+)+-[0-9][a-z]$", az))])
    error_message = "var.azs entries must be availability zone names such as eu-west-1a."
  }
  validation {
    condition     = alltrue([for az in var.azs : can(regex("^${data.aws_region.current.name}[a-z]$", az))])
    error_message = "var.azs must be availability zones of the provider's region, ${data.aws_region.current.name}."
  }
}

variable "vpc_cidr" {
  type        = string
  description = "CIDR of the VPC to create (ignored when existing_vpc_id is set); /16 to /24."
  default     = "10.40.0.0/16"
  validation {
    condition     = can(cidrhost(var.vpc_cidr, 0)) && tonumber(split("/", var.vpc_cidr)[1]) >= 16 && tonumber(split("/", var.vpc_cidr)[1]) <= 24
    error_message = "var.vpc_cidr must be an IPv4 CIDR between /16 and /24, such as 10.40.0.0/16."
  }
}

variable "subnet_newbits" {
  type        = number
  description = "Bits added to the VPC prefix for each private subnet (4 turns a /16 into /20 subnets)."
  default     = 4
  validation {
    condition     = var.subnet_newbits >= 2 && var.subnet_newbits <= 8 && floor(var.subnet_newbits) == var.subnet_newbits
    error_message = "var.subnet_newbits must be a whole number from 2 to 8."
  }
}

variable "existing_vpc_id" {
  type        = string
  description = "Use this VPC instead of creating one (then existing_subnet_ids must name a subnet per AZ)."
  default     = null
  validation {
    condition     = var.existing_vpc_id == null || can(regex("^vpc-[0-9a-f]{8,17}$", var.existing_vpc_id))
    error_message = "var.existing_vpc_id must be null or a VPC id such as vpc-0abc12345def67890."
  }
}

variable "existing_subnet_ids" {
  type        = map(string)
  description = "AZ -> existing private subnet id, used with existing_vpc_id; one entry per AZ in azs."
  default     = {}
  validation {
    condition     = alltrue([for id in values(var.existing_subnet_ids) : can(regex("^subnet-[0-9a-f]{8,17}$", id))])
    error_message = "var.existing_subnet_ids values must be subnet ids such as subnet-0abc12345def67890."
  }
  validation {
    condition     = var.existing_vpc_id == null ? length(var.existing_subnet_ids) == 0 : toset(keys(var.existing_subnet_ids)) == toset(var.azs)
    error_message = "var.existing_subnet_ids must have exactly one subnet per AZ in var.azs when existing_vpc_id is set, and be empty otherwise."
  }
}

variable "tags" {
  type        = map(string)
  description = "Tags added to every resource."
  default     = {}
}
