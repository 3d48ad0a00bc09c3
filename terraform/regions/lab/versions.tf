terraform {
  required_version = ">= 1.10"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.100"
    }
  }
  # The lab runs against moto on loopback; its state stays local (terraform.tfstate here, git-ignored).
}
