locals {
  family         = split(".", var.instance_type)[0]
  instance_store = contains(["d2", "d3", "d3en", "i3en", "i4i"], local.family)
  # d2 is a Xen family: its disks need block device mappings and appear as xvdb, xvdc, ...; the Nitro families
  # expose instance-store disks as NVMe devices after the root (nvme0n1).
  xen_family   = local.family == "d2"
  kms_key_arn  = var.create_kms_key ? aws_kms_key.data[0].arn : var.kms_key_arn
  ebs_letters  = ["f", "g", "h", "i", "j", "k", "l", "m"]
  xen_letters  = ["b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o", "p", "q", "r", "s", "t", "u", "v", "w", "x", "y"]
  store_disks  = sum(concat([0], [for d in data.aws_ec2_instance_type.broker.instance_disks : d.count]))
  disk_count   = local.instance_store ? local.store_disks : var.data_volume.count
  data_devices = local.instance_store ? (local.xen_family ? [for i in range(local.disk_count) : "/dev/xvd${local.xen_letters[i]}"] : [for i in range(local.disk_count) : "/dev/nvme${i + 1}n1"]) : [for i in range(var.data_volume.count) : "/dev/sd${local.ebs_letters[i]}"]
  data_dirs    = [for i in range(local.disk_count) : "/data/${i}"]

  volumes = merge([
    for id, az in var.brokers : {
      for n in range(var.data_volume.count) : "${id}/${n}" => { broker = id, az = az, index = n }
    }
  ]...)
  azs_sorted   = sort(distinct(values(var.brokers)))
  common_tags  = merge(var.tags, { Cluster = var.cluster_name })
  broker_hosts = { for id, az in var.brokers : id => "kafka-${id}" }
}

data "aws_ec2_instance_type" "broker" {
  instance_type = var.instance_type
}

data "aws_ec2_instance_type" "controller" {
  count         = length(var.controllers) > 0 ? 1 : 0
  instance_type = var.controller_instance_type
}

# What a broker instance is made from. The aws provider changes an instance type in place (stop, modify, start);
# logpipe replaces the broker instead, so an instance-store family change gets its new disks and the data
# volumes are re-attached to a fresh instance (tests/terraform: replacement keeps every volume).
resource "terraform_data" "broker_spec" {
  for_each = var.brokers
  input    = { instance_type = var.instance_type }
}

resource "aws_kms_key" "data" {
  count                   = var.create_kms_key ? 1 : 0
  description             = "logpipe ${var.cluster_name} Kafka volumes"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  tags                    = local.common_tags
}

resource "aws_kms_alias" "data" {
  count         = var.create_kms_key ? 1 : 0
  name          = "alias/logpipe-${var.cluster_name}-kafka"
  target_key_id = aws_kms_key.data[0].key_id
}

resource "aws_placement_group" "brokers" {
  count           = var.placement_group_enabled ? 1 : 0
  name            = "${var.cluster_name}-kafka"
  strategy        = var.placement_group_strategy
  partition_count = var.placement_group_strategy == "partition" ? max(length(local.azs_sorted), 2) : null
  tags            = local.common_tags
}

resource "aws_network_interface" "broker" {
  for_each        = var.stable_network_interfaces ? var.brokers : {}
  subnet_id       = var.subnet_ids[each.value]
  security_groups = var.security_group_ids
  private_ips     = contains(keys(var.broker_private_ips), each.key) ? [var.broker_private_ips[each.key]] : null
  tags            = merge(local.common_tags, { Name = "kafka-${each.key}", KafkaBrokerId = each.key })
}

resource "aws_instance" "broker" {
  for_each      = var.brokers
  ami           = var.ami_id
  instance_type = var.instance_type
  ebs_optimized = true

  subnet_id              = var.stable_network_interfaces ? null : var.subnet_ids[each.value]
  vpc_security_group_ids = var.stable_network_interfaces ? null : var.security_group_ids
  placement_group        = var.placement_group_enabled ? aws_placement_group.brokers[0].id : null
  placement_partition_number = (var.placement_group_enabled && var.placement_group_strategy == "partition"
  ? index(local.azs_sorted, each.value) + 1 : null)

  dynamic "network_interface" {
    for_each = var.stable_network_interfaces ? [aws_network_interface.broker[each.key].id] : []
    content {
      network_interface_id = network_interface.value
      device_index         = 0
    }
  }

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
    kms_key_id  = local.kms_key_arn
  }

  dynamic "ephemeral_block_device" {
    for_each = local.xen_family ? range(local.disk_count) : []
    content {
      device_name  = "/dev/sd${local.xen_letters[ephemeral_block_device.value]}"
      virtual_name = "ephemeral${ephemeral_block_device.value}"
    }
  }

  tags = merge(local.common_tags, {
    Name          = local.broker_hosts[each.key]
    Role          = "kafka_broker"
    KafkaBrokerId = each.key
    KafkaRack     = each.value
  })

  lifecycle {
    # The AMI moves on with every image build; replacing brokers is a deliberate rolling operation.
    ignore_changes       = [ami]
    replace_triggered_by = [terraform_data.broker_spec[each.key]]
  }
}

resource "aws_ebs_volume" "data" {
  for_each          = local.volumes
  availability_zone = each.value.az
  size              = var.data_volume.size_gib
  type              = var.data_volume.type
  iops              = var.data_volume.type == "gp3" ? var.data_volume.iops : null
  throughput        = var.data_volume.type == "gp3" ? var.data_volume.throughput : null
  encrypted         = true
  kms_key_id        = local.kms_key_arn
  tags = merge(local.common_tags, {
    Name          = "kafka-${each.value.broker}-data-${each.value.index}"
    Role          = "kafka_data"
    KafkaBrokerId = each.value.broker
    KafkaRack     = each.value.az
  })

  lifecycle {
    prevent_destroy = true
  }
}

resource "aws_volume_attachment" "data" {
  for_each    = local.volumes
  device_name = "/dev/sd${local.ebs_letters[each.value.index]}"
  volume_id   = aws_ebs_volume.data[each.key].id
  instance_id = aws_instance.broker[each.value.broker].id
  # On instance replacement, detach and keep the volume; it is attached to the new instance.
  stop_instance_before_detaching = true
}

resource "aws_instance" "controller" {
  for_each               = var.controllers
  ami                    = var.ami_id
  instance_type          = var.controller_instance_type
  ebs_optimized          = true
  subnet_id              = var.subnet_ids[each.value]
  vpc_security_group_ids = var.security_group_ids

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
    kms_key_id  = local.kms_key_arn
  }

  tags = merge(local.common_tags, {
    Name        = "controller-${each.key}"
    Role        = "kafka_controller"
    KafkaNodeId = each.key
    KafkaRack   = each.value
  })

  lifecycle {
    ignore_changes = [ami]
  }
}
