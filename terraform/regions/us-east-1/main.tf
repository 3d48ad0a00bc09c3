# us-east-1: six brokers on EBS-optimised r6i with two st1 volumes each, combined KRaft mode.

provider "aws" {
  region = "us-east-1"
  default_tags {
    tags = { Project = "logpipe", Region = "us-east-1" }
  }
}

module "region" {
  source       = "../../modules/region"
  cluster_name = "logpipe-use1"
  azs          = ["us-east-1a", "us-east-1b", "us-east-1c"]
  vpc_cidr     = "10.41.0.0/16"
  ami_lookup   = var.ami_id == null
  ami_id       = var.ami_id

  brokers = {
    "1" = "us-east-1a"
    "2" = "us-east-1b"
    "3" = "us-east-1c"
    "4" = "us-east-1a"
    "5" = "us-east-1b"
    "6" = "us-east-1c"
  }
  broker_instance_type = var.broker_instance_type
  data_volume          = { count = 2, size_gib = 2048, type = "st1" }

  logmasters_per_az       = 2
  logmaster_instance_type = "c6i.xlarge"
  consul_servers          = 3
}
