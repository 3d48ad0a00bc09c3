bucket       = "logpipe-tfstate-us-east-1"
key          = "regions/us-east-1/terraform.tfstate"
region       = "us-east-1"
encrypt      = true
use_lockfile = true
