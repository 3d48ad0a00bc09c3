locals {
  broker_ips = {
    for id, i in aws_instance.broker : id => (var.stable_network_interfaces ? aws_network_interface.broker[id].private_ip : i.private_ip)
  }
  broker_hw = data.aws_ec2_instance_type.broker
  ctrl_hw   = data.aws_ec2_instance_type.controller
}

output "brokers" {
  description = "Broker id -> host name, AZ (= rack), private IP and instance id."
  value = {
    for id, az in var.brokers : id => {
      host              = local.broker_hosts[id]
      availability_zone = az
      rack              = az
      private_ip        = local.broker_ips[id]
      instance_id       = aws_instance.broker[id].id
    }
  }
}

output "data_volume_ids" {
  description = "\"broker/index\" -> EBS data volume id."
  value       = { for k, v in aws_ebs_volume.data : k => v.id }
}

output "kms_key_arn" {
  description = "The KMS key encrypting the volumes."
  value       = local.kms_key_arn
}

output "storage" {
  description = "instance (instance-store family) or ebs."
  value       = local.instance_store ? "instance" : "ebs"
}

output "inventory" {
  description = "Ansible groups -> host -> vars for kafka_brokers and kafka_controllers. Hardware facts come from the instance type; sizing is done by logpipe.sizing, not here."
  value = {
    kafka_brokers = {
      for id, az in var.brokers : local.broker_hosts[id] => {
        kafka_broker_id   = tonumber(id)
        kafka_rack        = az
        availability_zone = az
        private_ip        = local.broker_ips[id]
        instance_id       = aws_instance.broker[id].id
        instance_type     = var.instance_type
        vcpus             = local.broker_hw.default_vcpus
        cores             = local.broker_hw.default_cores
        memory_mib        = local.broker_hw.memory_size
        storage           = local.instance_store ? "instance" : "ebs"
        disk_count        = local.disk_count
        data_devices      = local.data_devices
        data_dirs         = local.data_dirs
        data_volume_ids   = [for n in range(var.data_volume.count) : aws_ebs_volume.data["${id}/${n}"].id]
      }
    }
    kafka_controllers = {
      for id, az in var.controllers : "controller-${id}" => {
        kafka_node_id     = tonumber(id)
        kafka_rack        = az
        availability_zone = az
        private_ip        = aws_instance.controller[id].private_ip
        instance_id       = aws_instance.controller[id].id
        instance_type     = var.controller_instance_type
        vcpus             = local.ctrl_hw[0].default_vcpus
        cores             = local.ctrl_hw[0].default_cores
        memory_mib        = local.ctrl_hw[0].memory_size
      }
    }
  }
}
