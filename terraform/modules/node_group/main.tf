locals {
  azs = sort(keys(var.subnet_ids))
  hosts = var.layout == "per_az" ? merge([
    for az in local.azs : {
      for n in range(1, var.size + 1) : "${var.name}-${substr(az, length(az) - 1, 1)}${n}" => az
    }
    ]...) : {
    for n in range(1, var.size + 1) : "${var.name}-${n}" => local.azs[(n - 1) % length(local.azs)]
  }
  hw = data.aws_ec2_instance_type.this
}

data "aws_ec2_instance_type" "this" {
  instance_type = var.instance_type
}

resource "aws_instance" "host" {
  for_each               = local.hosts
  ami                    = var.ami_id
  instance_type          = var.instance_type
  subnet_id              = var.subnet_ids[each.value]
  vpc_security_group_ids = var.security_group_ids
  ebs_optimized          = local.hw.ebs_optimized_support != "unsupported"

  metadata_options {
    http_endpoint               = "enabled"
    http_tokens                 = "required"
    http_put_response_hop_limit = 1
    instance_metadata_tags      = "enabled"
  }

  root_block_device {
    volume_type = "gp3"
    volume_size = var.root_volume_size_gib
    encrypted   = true
    kms_key_id  = var.kms_key_arn
  }

  tags = merge(var.tags, { Name = each.key, Role = var.role_tag, Cluster = var.cluster_name, Rack = each.value })

  lifecycle {
    ignore_changes = [ami]
  }
}
