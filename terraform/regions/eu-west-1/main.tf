# eu-west-1: three storage-dense d3.2xlarge brokers (six local HDDs each) and three dedicated KRaft controllers.

provider "aws" {
  region = "eu-west-1"
  default_tags {
    tags = { Project = "logpipe", Region = "eu-west-1" }
  }
}

module "region" {
  source       = "../../modules/region"
  cluster_name = "logpipe-euw1"
  azs          = ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
  vpc_cidr     = "10.42.0.0/16"
  ami_lookup   = var.ami_id == null
  ami_id       = var.ami_id

  brokers = {
    "1" = "eu-west-1a"
    "2" = "eu-west-1b"
    "3" = "eu-west-1c"
  }
  controllers = {
    "101" = "eu-west-1a"
    "102" = "eu-west-1b"
    "103" = "eu-west-1c"
  }
  broker_instance_type = var.broker_instance_type
  data_volume          = { count = 0, size_gib = 125, type = "st1" }

  logmasters_per_az = 1
  consul_servers    = 5
}
