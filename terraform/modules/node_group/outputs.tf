output "hosts" {
  description = "Host name -> AZ, private IP, instance id."
  value = {
    for name, az in local.hosts : name => {
      availability_zone = az
      private_ip        = aws_instance.host[name].private_ip
      instance_id       = aws_instance.host[name].id
    }
  }
}

output "inventory_hosts" {
  description = "Host name -> Ansible host vars (placement and hardware facts)."
  value = {
    for name, az in local.hosts : name => {
      availability_zone = az
      rack              = az
      private_ip        = aws_instance.host[name].private_ip
      instance_id       = aws_instance.host[name].id
      instance_type     = var.instance_type
      vcpus             = local.hw.default_vcpus
      cores             = local.hw.default_cores
      memory_mib        = local.hw.memory_size
    }
  }
}
