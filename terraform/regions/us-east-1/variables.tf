variable "ami_id" {
  type        = string
  description = "Pin the hosts' AMI; null uses the newest official Debian 12 image of the region."
  default     = null
  validation {
    condition     = var.ami_id == null || can(regex("^ami-[0-9a-f]{8,17}$", var.ami_id))
    error_message = "var.ami_id must be null or an AMI id such as ami-0abc12345def67890."
  }
}

variable "broker_instance_type" {
  type        = string
  description = "Broker instance type (changing it replaces the broker instances; their data volumes are kept and re-attached)."
  default     = "r6i.2xlarge"
  validation {
    condition     = can(regex("^[a-z][a-z0-9-]*\\.[a-z0-9]+$", var.broker_instance_type))
    error_message = "var.broker_instance_type must be an EC2 instance type such as r6i.2xlarge."
  }
}
