# Module logic against a mocked provider: placement, racks, volumes, IMDSv2, instance-store families, the ENI
# variant (plan only; moto reads it back wrongly), and bad inputs rejected naming the variable.

mock_provider "aws" {
  # Computed values (ids, ARNs) are generated at plan time, so every run is a plan: nothing is applied, and
  # prevent_destroy on the data volumes never meets a test teardown.
  override_during = plan

  mock_data "aws_ec2_instance_type" {
    defaults = {
      default_vcpus  = 8
      default_cores  = 4
      memory_size    = 65536
      instance_disks = []
    }
  }
  mock_resource "aws_kms_key" {
    defaults = {
      arn = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"
    }
  }
}

variables {
  cluster_name = "test-kafka"
  brokers = {
    "1" = "eu-west-1a"
    "2" = "eu-west-1b"
    "3" = "eu-west-1c"
    "4" = "eu-west-1a"
    "5" = "eu-west-1b"
    "6" = "eu-west-1c"
  }
  subnet_ids = {
    "eu-west-1a" = "subnet-0aaaaaaaaaaaaaaaa"
    "eu-west-1b" = "subnet-0bbbbbbbbbbbbbbbb"
    "eu-west-1c" = "subnet-0cccccccccccccccc"
  }
  security_group_ids = ["sg-0123456789abcdef0"]
  ami_id             = "ami-0123456789abcdef0"
  instance_type      = "r6i.2xlarge"
  data_volume        = { count = 2, size_gib = 1000, type = "st1" }
}

run "brokers_spread_evenly_with_rack_from_the_map" {
  command = plan

  assert {
    condition     = alltrue([for az in keys(var.subnet_ids) : length([for id, i in aws_instance.broker : id if i.subnet_id == var.subnet_ids[az]]) == 2])
    error_message = "every AZ must hold exactly two of the six brokers"
  }
  assert {
    condition     = alltrue([for id, i in aws_instance.broker : i.tags["KafkaRack"] == var.brokers[id] && i.subnet_id == var.subnet_ids[var.brokers[id]]])
    error_message = "rack tag and subnet must come from the broker id -> AZ map"
  }
  assert {
    condition     = alltrue([for id, i in aws_instance.broker : i.tags["Name"] == "kafka-${id}" && i.tags["KafkaBrokerId"] == id && i.tags["Role"] == "kafka_broker" && i.tags["Cluster"] == "test-kafka"])
    error_message = "brokers must be tagged Name, KafkaBrokerId, Role and Cluster"
  }
  assert {
    condition     = length(aws_placement_group.brokers) == 0
    error_message = "the placement group must be off by default"
  }
}

run "brokers_use_imdsv2_ebs_optimisation_and_encrypted_roots" {
  command = plan

  assert {
    condition     = alltrue([for i in aws_instance.broker : i.metadata_options[0].http_tokens == "required" && i.ebs_optimized])
    error_message = "brokers must require IMDSv2 tokens and be EBS-optimised"
  }
  assert {
    condition     = alltrue([for i in aws_instance.broker : i.root_block_device[0].encrypted])
    error_message = "root volumes must be encrypted"
  }
}

run "data_volumes_are_separate_encrypted_and_keyed_by_broker" {
  command = plan

  assert {
    condition     = length(aws_ebs_volume.data) == 12 && length(aws_volume_attachment.data) == 12
    error_message = "six brokers with two volumes each need 12 volumes and 12 attachments"
  }
  assert {
    condition     = alltrue([for k, v in aws_ebs_volume.data : v.encrypted && v.kms_key_id == aws_kms_key.data[0].arn && v.type == "st1"])
    error_message = "data volumes must be st1, encrypted with the cluster's KMS key"
  }
  assert {
    condition     = alltrue([for k, v in aws_ebs_volume.data : v.availability_zone == var.brokers[split("/", k)[0]]])
    error_message = "a broker's volumes must live in its AZ"
  }
  assert {
    condition     = alltrue([for k, a in aws_volume_attachment.data : a.device_name == ["/dev/sdf", "/dev/sdg"][tonumber(split("/", k)[1])]])
    error_message = "a broker's n-th volume attaches at the n-th device name (sdf, sdg, ...)"
  }
  assert {
    condition     = join(",", output.inventory.kafka_brokers["kafka-4"].data_devices) == "/dev/sdf,/dev/sdg" && output.inventory.kafka_brokers["kafka-4"].disk_count == 2
    error_message = "inventory must list the attached device names and disk count"
  }
  assert {
    condition     = output.inventory.kafka_brokers["kafka-5"].kafka_rack == "eu-west-1b" && output.inventory.kafka_brokers["kafka-5"].kafka_broker_id == 5
    error_message = "inventory rack and broker id must come from the map"
  }
  assert {
    condition     = output.inventory.kafka_brokers["kafka-1"].vcpus == 8 && output.inventory.kafka_brokers["kafka-1"].memory_mib == 65536 && output.storage == "ebs"
    error_message = "inventory must carry the instance type's hardware facts"
  }
}

run "instance_store_family_uses_local_nvme_disks" {
  command = plan

  variables {
    instance_type = "d3.2xlarge"
    data_volume   = { count = 0, size_gib = 125, type = "st1" }
  }
  override_data {
    target = data.aws_ec2_instance_type.broker
    values = {
      default_vcpus  = 8
      default_cores  = 4
      memory_size    = 65536
      instance_disks = [{ count = 6, size = 1980, type = "hdd" }]
    }
  }

  assert {
    condition     = length(aws_ebs_volume.data) == 0 && output.storage == "instance"
    error_message = "an instance-store family gets no EBS data volumes"
  }
  assert {
    condition     = join(",", output.inventory.kafka_brokers["kafka-2"].data_devices) == "/dev/nvme1n1,/dev/nvme2n1,/dev/nvme3n1,/dev/nvme4n1,/dev/nvme5n1,/dev/nvme6n1"
    error_message = "d3 instance-store disks are the NVMe devices after the root"
  }
  assert {
    condition     = output.inventory.kafka_brokers["kafka-2"].disk_count == 6 && length(output.inventory.kafka_brokers["kafka-2"].data_dirs) == 6
    error_message = "disk count and data dirs must follow the instance type's disks"
  }
}

run "d2_maps_its_ephemeral_disks" {
  command = plan

  variables {
    instance_type = "d2.2xlarge"
    data_volume   = { count = 0, size_gib = 125, type = "st1" }
  }
  override_data {
    target = data.aws_ec2_instance_type.broker
    values = {
      default_vcpus  = 8
      default_cores  = 4
      memory_size    = 62464
      instance_disks = [{ count = 6, size = 2048, type = "hdd" }]
    }
  }

  assert {
    condition     = length(aws_instance.broker["1"].ephemeral_block_device) == 6
    error_message = "d2 needs one ephemeral block device mapping per disk"
  }
  assert {
    condition     = output.inventory.kafka_brokers["kafka-1"].data_devices[0] == "/dev/xvdb" && output.inventory.kafka_brokers["kafka-1"].data_devices[5] == "/dev/xvdg"
    error_message = "d2 disks appear as xvdb.. on Xen"
  }
}

run "stable_network_interfaces_keep_fixed_ips" {
  command = plan

  variables {
    stable_network_interfaces = true
    broker_private_ips        = { "1" = "10.40.0.11", "2" = "10.40.16.12" }
  }

  assert {
    condition     = length(aws_network_interface.broker) == 6 && aws_network_interface.broker["1"].subnet_id == var.subnet_ids["eu-west-1a"]
    error_message = "every broker gets its own interface in its AZ's subnet"
  }
  assert {
    condition     = join(",", aws_network_interface.broker["1"].private_ips) == "10.40.0.11"
    error_message = "a broker with a fixed IP gets it on its interface"
  }
  assert {
    condition     = length(aws_instance.broker["2"].network_interface) == 1
    error_message = "with stable interfaces the instance launches on its own interface"
  }
}

run "placement_group_when_enabled" {
  command = plan

  variables {
    placement_group_enabled = true
  }

  assert {
    condition     = aws_placement_group.brokers[0].strategy == "partition" && aws_placement_group.brokers[0].partition_count == 3
    error_message = "partition placement group with one partition per AZ"
  }
  assert {
    condition     = aws_instance.broker["2"].placement_partition_number == 2 && aws_instance.broker["6"].placement_partition_number == 3
    error_message = "a broker's partition follows its AZ"
  }
}

run "dedicated_controllers" {
  command = plan

  variables {
    controllers = { "101" = "eu-west-1a", "102" = "eu-west-1b", "103" = "eu-west-1c" }
  }

  assert {
    condition     = length(aws_instance.controller) == 3 && aws_instance.controller["102"].tags["Role"] == "kafka_controller"
    error_message = "three controllers tagged as such"
  }
  assert {
    condition     = output.inventory.kafka_controllers["controller-103"].kafka_node_id == 103 && output.inventory.kafka_controllers["controller-103"].kafka_rack == "eu-west-1c"
    error_message = "controllers appear in the inventory with node id and rack"
  }
}

run "rejects_uneven_spread" {
  command = plan
  variables {
    brokers = { "1" = "eu-west-1a", "2" = "eu-west-1a", "3" = "eu-west-1b" }
  }
  expect_failures = [var.brokers]
}

run "rejects_broker_in_az_without_subnet" {
  command = plan
  variables {
    brokers = { "1" = "eu-west-1a", "2" = "eu-west-1b", "3" = "eu-west-1d" }
  }
  expect_failures = [var.brokers]
}

run "rejects_fewer_than_three_brokers" {
  command = plan
  variables {
    brokers = { "1" = "eu-west-1a", "2" = "eu-west-1b" }
  }
  expect_failures = [var.brokers]
}

run "rejects_non_numeric_broker_id" {
  command = plan
  variables {
    brokers = { "01" = "eu-west-1a", "2" = "eu-west-1b", "3" = "eu-west-1c" }
  }
  expect_failures = [var.brokers]
}

run "rejects_unsupported_volume_type" {
  command = plan
  variables {
    data_volume = { count = 1, size_gib = 500, type = "io2" }
  }
  expect_failures = [var.data_volume]
}

run "rejects_ebs_volumes_on_instance_store_family" {
  command = plan
  variables {
    instance_type = "i4i.2xlarge"
    data_volume   = { count = 2, size_gib = 500, type = "gp3" }
  }
  expect_failures = [var.data_volume]
}

run "rejects_two_controllers" {
  command = plan
  variables {
    controllers = { "101" = "eu-west-1a", "102" = "eu-west-1b" }
  }
  expect_failures = [var.controllers]
}

run "rejects_controller_id_shared_with_a_broker" {
  command = plan
  variables {
    controllers = { "1" = "eu-west-1a", "102" = "eu-west-1b", "103" = "eu-west-1c" }
  }
  expect_failures = [var.controllers]
}

run "rejects_bad_ami" {
  command = plan
  variables {
    ami_id = "debian-12"
  }
  expect_failures = [var.ami_id]
}

run "rejects_fixed_ips_without_interfaces" {
  command = plan
  variables {
    broker_private_ips = { "1" = "10.40.0.11" }
  }
  expect_failures = [var.broker_private_ips]
}

run "rejects_missing_kms_key" {
  command = plan
  variables {
    create_kms_key = false
  }
  expect_failures = [var.kms_key_arn]
}
