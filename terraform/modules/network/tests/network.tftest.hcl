mock_provider "aws" {
  mock_data "aws_region" {
    defaults = {
      name = "us-east-1"
    }
  }
}

variables {
  name = "test-net"
  azs  = ["us-east-1a", "us-east-1b", "us-east-1c"]
}

run "one_private_subnet_per_az" {
  command = plan

  assert {
    condition     = length(aws_subnet.private) == 3 && length(distinct([for s in aws_subnet.private : s.cidr_block])) == 3
    error_message = "three subnets with distinct CIDRs"
  }
  assert {
    condition     = aws_subnet.private["us-east-1b"].cidr_block == "10.40.16.0/20" && !aws_subnet.private["us-east-1b"].map_public_ip_on_launch
    error_message = "private /20 subnets carved in AZ order"
  }
}

run "rejects_repeated_az" {
  command = plan
  variables {
    azs = ["us-east-1a", "us-east-1a"]
  }
  expect_failures = [var.azs]
}

run "rejects_azs_of_another_region" {
  command = plan
  variables {
    azs = ["eu-west-1a", "eu-west-1b"]
  }
  expect_failures = [var.azs]
}

run "rejects_existing_vpc_without_a_subnet_per_az" {
  command = plan
  variables {
    existing_vpc_id     = "vpc-0123456789abcdef0"
    existing_subnet_ids = { "us-east-1a" = "subnet-0aaaaaaaaaaaaaaaa" }
  }
  expect_failures = [var.existing_subnet_ids]
}
