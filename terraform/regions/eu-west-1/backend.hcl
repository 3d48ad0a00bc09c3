bucket       = "logpipe-tfstate-eu-west-1"
key          = "regions/eu-west-1/terraform.tfstate"
region       = "eu-west-1"
encrypt      = true
use_lockfile = true
