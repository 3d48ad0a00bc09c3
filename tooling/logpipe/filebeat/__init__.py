"""Helpers that run beside Filebeat on producer hosts (standard library only: copied there as single files)."""
