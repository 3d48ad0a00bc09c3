"""The local lab: container hosts with systemd on a private podman network, driven like real machines."""
