variable "name" {
  type        = string
  description = "Cluster name; prefixes every security group."
  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,30}[a-z0-9]$", var.name))
    error_message = "var.name must be 3-32 lowercase letters, digits or '-', starting with a letter."
  }
}

variable "vpc_id" {
  type        = string
  description = "VPC that holds the security groups."
  validation {
    condition     = length(var.vpc_id) > 0
    error_message = "var.vpc_id must be a VPC id."
  }
}

variable "kafka_ports" {
  type = object({
    client       = number
    inter_broker = number
    controller   = number
  })
  description = "Kafka listener ports: client (logmasters and consumers), inter-broker replication, KRaft controller."
  default     = { client = 9092, inter_broker = 9091, controller = 9093 }
  validation {
    condition     = length(distinct(values(var.kafka_ports))) == 3 && alltrue([for p in values(var.kafka_ports) : p >= 1024 && p <= 65535])
    error_message = "var.kafka_ports must be three distinct ports from 1024 to 65535."
  }
}

variable "beats_port" {
  type        = number
  description = "Port the logmasters accept the Beats protocol on."
  default     = 5044
  validation {
    condition     = var.beats_port >= 1024 && var.beats_port <= 65535
    error_message = "var.beats_port must be from 1024 to 65535."
  }
}

variable "admin_security_group_id" {
  type        = string
  description = "Existing security group of admin/bastion hosts allowed SSH and the Consul UI. Null creates an empty '<name>-admin' group to attach to such hosts."
  default     = null
  validation {
    condition     = var.admin_security_group_id == null || can(regex("^sg-[0-9a-f]{8,17}$", var.admin_security_group_id))
    error_message = "var.admin_security_group_id must be null or a security group id such as sg-0abc12345def67890."
  }
}

variable "admin_cidrs" {
  type        = list(string)
  description = "Extra CIDRs (VPN, office) allowed SSH and the Consul UI. Never 0.0.0.0/0."
  default     = []
  validation {
    condition     = alltrue([for c in var.admin_cidrs : can(cidrhost(c, 0)) && !contains(["0.0.0.0/0", "::/0"], c)])
    error_message = "var.admin_cidrs must hold valid CIDRs and never 0.0.0.0/0 or ::/0."
  }
}

variable "producer_cidrs" {
  type        = list(string)
  description = "Networks of producer hosts outside the VPC (Filebeat -> logmaster Beats, their Consul agents -> servers). Never 0.0.0.0/0."
  default     = []
  validation {
    condition     = alltrue([for c in var.producer_cidrs : can(cidrhost(c, 0)) && !contains(["0.0.0.0/0", "::/0"], c)])
    error_message = "var.producer_cidrs must hold valid CIDRs and never 0.0.0.0/0 or ::/0."
  }
}

variable "kafka_client_cidrs" {
  type        = list(string)
  description = "Networks of Kafka consumers outside the cluster allowed the client listener. Never 0.0.0.0/0."
  default     = []
  validation {
    condition     = alltrue([for c in var.kafka_client_cidrs : can(cidrhost(c, 0)) && !contains(["0.0.0.0/0", "::/0"], c)])
    error_message = "var.kafka_client_cidrs must hold valid CIDRs and never 0.0.0.0/0 or ::/0."
  }
}

variable "tags" {
  type        = map(string)
  description = "Tags added to every security group."
  default     = {}
}
