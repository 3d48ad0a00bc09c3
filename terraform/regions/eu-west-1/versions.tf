terraform {
  required_version = ">= 1.10"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.100"
    }
  }
  # Partial configuration: `terraform init -backend-config=backend.hcl` (S3 with use_lockfile; no DynamoDB).
  backend "s3" {}
}
