"""The Ansible inventory from Terraform outputs: a pure conversion (`inventory_from_outputs`); Terraform itself is
run by `logpipe.terraform.runner`."""

from logpipe.inventory.model import GROUPS, inventory_from_outputs, render_inventory_yaml

__all__ = ["GROUPS", "inventory_from_outputs", "render_inventory_yaml"]
