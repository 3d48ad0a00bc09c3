"""Terraform from the controller: running it for a root (`runner`: init, apply, output, destroy), logpipe's own
CLI config with the provider mirror (`config`, `logpipe terraform-config`) and the static gates of terraform/
(`lint`)."""
