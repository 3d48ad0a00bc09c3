# One region's logpipe platform: network, security groups, the Kafka cluster, logmasters and Consul servers,
# and the one structured `ansible_inventory` output. Region roots only pass values.

locals {
  ami_id = var.ami_lookup ? data.aws_ami.debian[0].id : var.ami_id
  tags   = merge(var.tags, { Cluster = var.cluster_name, ManagedBy = "logpipe-terraform" })
}

data "aws_region" "current" {}

data "aws_ami" "debian" {
  count       = var.ami_lookup ? 1 : 0
  most_recent = true
  owners      = [var.ami_owner]
  filter {
    name   = "name"
    values = [var.ami_name_pattern]
  }
  filter {
    name   = "architecture"
    values = ["x86_64"]
  }
}

resource "aws_kms_key" "volumes" {
  description             = "logpipe ${var.cluster_name} volumes"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  tags                    = local.tags
}

resource "aws_kms_alias" "volumes" {
  name          = "alias/logpipe-${var.cluster_name}"
  target_key_id = aws_kms_key.volumes.key_id
}

module "network" {
  source              = "../network"
  name                = var.cluster_name
  azs                 = var.azs
  vpc_cidr            = var.vpc_cidr
  existing_vpc_id     = var.existing_vpc_id
  existing_subnet_ids = var.existing_subnet_ids
  tags                = local.tags
}

module "security" {
  source                  = "../security"
  name                    = var.cluster_name
  vpc_id                  = module.network.vpc_id
  admin_security_group_id = var.admin_security_group_id
  admin_cidrs             = var.admin_cidrs
  producer_cidrs          = var.producer_cidrs
  kafka_client_cidrs      = var.kafka_client_cidrs
  tags                    = local.tags
}

module "kafka" {
  source                    = "../kafka_cluster"
  cluster_name              = var.cluster_name
  brokers                   = var.brokers
  controllers               = var.controllers
  subnet_ids                = module.network.subnet_ids
  security_group_ids        = [module.security.security_group_ids["kafka"], module.security.security_group_ids["agent"]]
  ami_id                    = local.ami_id
  instance_type             = var.broker_instance_type
  controller_instance_type  = var.controller_instance_type
  data_volume               = var.data_volume
  create_kms_key            = false
  kms_key_arn               = aws_kms_key.volumes.arn
  placement_group_enabled   = var.placement_group_enabled
  stable_network_interfaces = var.stable_network_interfaces
  tags                      = local.tags
}

module "logmasters" {
  source             = "../node_group"
  name               = "logmaster"
  role_tag           = "logmaster"
  cluster_name       = var.cluster_name
  layout             = "per_az"
  size               = var.logmasters_per_az
  subnet_ids         = module.network.subnet_ids
  security_group_ids = [module.security.security_group_ids["logmaster"], module.security.security_group_ids["agent"]]
  ami_id             = local.ami_id
  instance_type      = var.logmaster_instance_type
  kms_key_arn        = aws_kms_key.volumes.arn
  tags               = local.tags
}

module "consul" {
  source             = "../node_group"
  name               = "consul"
  role_tag           = "consul_server"
  cluster_name       = var.cluster_name
  layout             = "spread"
  size               = var.consul_servers
  allowed_sizes      = [3, 5]
  subnet_ids         = module.network.subnet_ids
  security_group_ids = [module.security.security_group_ids["consul"], module.security.security_group_ids["agent"]]
  ami_id             = local.ami_id
  instance_type      = var.consul_instance_type
  kms_key_arn        = aws_kms_key.volumes.arn
  tags               = local.tags
}
