# The lab: the smallest fleet of the real modules, applied against moto by `make lab`; its hosts become
# container hosts of the same names (kafka-1..3, logmaster-a1..c1, consul-1..3).

provider "aws" {
  region = "us-east-1"
  default_tags {
    tags = { Project = "logpipe", Region = "lab" }
  }
}

# The lab's hosts are containers built from the lab host image; in the emulated account that image is registered
# as an AMI of its own, so instances launch from an image that exists there.
resource "aws_ebs_volume" "lab_image" {
  availability_zone = "us-east-1a"
  size              = 8
  tags              = { Name = "logpipe-lab-host-image" }
}

resource "aws_ebs_snapshot" "lab_image" {
  volume_id = aws_ebs_volume.lab_image.id
  tags      = { Name = "logpipe-lab-host-image" }
}

resource "aws_ami" "lab_host" {
  name                = "logpipe-lab-host-debian-12"
  virtualization_type = "hvm"
  architecture        = "x86_64"
  root_device_name    = "/dev/xvda"
  ena_support         = true
  ebs_block_device {
    device_name = "/dev/xvda"
    snapshot_id = aws_ebs_snapshot.lab_image.id
  }
  lifecycle {
    # moto reads a registered image back with its own defaults (root device, boot mode), which would
    # force a replacement on every plan; the image only labels container hosts, so its drift is ignored.
    ignore_changes = all
  }
}

module "region" {
  source       = "../../modules/region"
  cluster_name = "logpipe-lab"
  azs          = ["us-east-1a", "us-east-1b", "us-east-1c"]
  vpc_cidr     = "10.49.0.0/16"
  ami_lookup   = false
  ami_id       = aws_ami.lab_host.id

  brokers = {
    "1" = "us-east-1a"
    "2" = "us-east-1b"
    "3" = "us-east-1c"
  }
  broker_instance_type = "m6i.large"
  data_volume          = { count = 1, size_gib = 20, type = "gp3" }

  logmasters_per_az       = 1
  logmaster_instance_type = "t3.medium"
  consul_servers          = 3
  consul_instance_type    = "t3.small"
}
