"""Fault injection for the whole data path (shared/reliability.md, "Scenarios"): injectors that break one thing
inside the lab hosts and always heal it, a background writer of sequence-numbered lines, a collector that reads
the topics back, and scenarios that reconcile and report sent / received / lost / duplicated / recovery time."""
