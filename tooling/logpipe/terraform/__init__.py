"""Terraform from the controller: the static gates of terraform/ (`lint`)."""
