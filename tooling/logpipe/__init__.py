"""logpipe: tooling for a real-time log delivery platform on Apache Kafka.

Subpackages name the concepts: placement, retention, sizing, inventory, lab, logmaster, artifacts.
Logic lives here as pure functions over dataclasses; Ansible plugins and the CLI are thin adapters.
"""

__version__ = "0.1.0"
