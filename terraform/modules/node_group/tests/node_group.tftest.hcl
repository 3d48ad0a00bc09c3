mock_provider "aws" {
  mock_data "aws_ec2_instance_type" {
    defaults = { default_vcpus = 2, default_cores = 1, memory_size = 4096, ebs_optimized_support = "default" }
  }
}

variables {
  cluster_name       = "test-nodes"
  subnet_ids         = { "eu-west-1a" = "subnet-0aaaaaaaaaaaaaaaa", "eu-west-1b" = "subnet-0bbbbbbbbbbbbbbbb", "eu-west-1c" = "subnet-0cccccccccccccccc" }
  security_group_ids = ["sg-0123456789abcdef0"]
  ami_id             = "ami-0123456789abcdef0"
  instance_type      = "c6i.large"
  kms_key_arn        = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"
}

run "per_az_layout_names_hosts_by_az_letter" {
  command = plan
  variables {
    name     = "logmaster"
    role_tag = "logmaster"
    layout   = "per_az"
    size     = 2
  }

  assert {
    condition     = toset(keys(aws_instance.host)) == toset(["logmaster-a1", "logmaster-a2", "logmaster-b1", "logmaster-b2", "logmaster-c1", "logmaster-c2"])
    error_message = "two logmasters per AZ named logmaster-<az letter><n>"
  }
  assert {
    condition     = aws_instance.host["logmaster-b2"].subnet_id == "subnet-0bbbbbbbbbbbbbbbb" && aws_instance.host["logmaster-b2"].tags["Rack"] == "eu-west-1b"
    error_message = "a host sits in the AZ its name says"
  }
  assert {
    condition     = alltrue([for h in aws_instance.host : h.metadata_options[0].http_tokens == "required" && h.root_block_device[0].encrypted && h.tags["Role"] == "logmaster"])
    error_message = "IMDSv2, encrypted root and Role tag on every host"
  }
}

run "spread_layout_round_robins_consul_servers" {
  command = plan
  variables {
    name          = "consul"
    role_tag      = "consul_server"
    layout        = "spread"
    size          = 5
    allowed_sizes = [3, 5]
  }

  assert {
    condition     = [for n in ["consul-1", "consul-2", "consul-3", "consul-4", "consul-5"] : aws_instance.host[n].tags["Rack"]] == ["eu-west-1a", "eu-west-1b", "eu-west-1c", "eu-west-1a", "eu-west-1b"]
    error_message = "five servers spread a, b, c, a, b"
  }
}

run "rejects_even_quorum" {
  command = plan
  variables {
    name          = "consul"
    role_tag      = "consul_server"
    layout        = "spread"
    size          = 4
    allowed_sizes = [3, 5]
  }
  expect_failures = [var.size]
}

run "rejects_unsafe_host_name_prefix" {
  command = plan
  variables {
    name     = "Log_Master"
    role_tag = "logmaster"
    layout   = "per_az"
    size     = 1
  }
  expect_failures = [var.name]
}
