# tflint for terraform/ (make lint, through logpipe.terraform.lint). Only tflint's bundled terraform ruleset:
# plugins such as the AWS ruleset are downloaded from GitHub releases, which this build cannot reach
# (docs/decisions/0024-tflint-bundled-ruleset.md).
config {
  # Region roots call the modules by local path: lint them with the values the roots pass.
  call_module_type = "local"
}

plugin "terraform" {
  enabled = true
  preset  = "all"
}
