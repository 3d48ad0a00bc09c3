locals {
  create = var.existing_vpc_id == null
  vpc_id = local.create ? aws_vpc.this[0].id : data.aws_vpc.existing[0].id
  subnet_ids = local.create ? { for az, s in aws_subnet.private : az => s.id } : {
    for az, s in data.aws_subnet.existing : az => s.id
  }
}

# The provider's region, which the AZs must belong to (checked on var.azs).
data "aws_region" "current" {}

resource "aws_vpc" "this" {
  count                = local.create ? 1 : 0
  cidr_block           = var.vpc_cidr
  enable_dns_support   = true
  enable_dns_hostnames = true
  tags                 = merge(var.tags, { Name = var.name })
}

resource "aws_subnet" "private" {
  for_each                = local.create ? { for i, az in var.azs : az => i } : {}
  vpc_id                  = aws_vpc.this[0].id
  availability_zone       = each.key
  cidr_block              = cidrsubnet(var.vpc_cidr, var.subnet_newbits, each.value)
  map_public_ip_on_launch = false
  tags                    = merge(var.tags, { Name = "${var.name}-private-${each.key}", Tier = "private" })
}

data "aws_vpc" "existing" {
  count = local.create ? 0 : 1
  id    = var.existing_vpc_id
}

data "aws_subnet" "existing" {
  for_each = local.create ? {} : var.existing_subnet_ids
  id       = each.value

  lifecycle {
    postcondition {
      condition     = self.availability_zone == each.key && self.vpc_id == var.existing_vpc_id
      error_message = "var.existing_subnet_ids[\"${each.key}\"] is not a subnet of var.existing_vpc_id in ${each.key}."
    }
  }
}
