"""logpipe: tooling for a real-time log delivery platform on Apache Kafka.

Subpackages name the concepts: placement, retention, sizing, inventory, lab, logmaster, artifacts.
Logic lives here as pure functions over dataclasses; Ansible plugins and the CLI are thin adapters.
"""

# The name on PyPI ("logpipe" there is another project); `logpipe --version` reads this distribution's version.
DISTRIBUTION = "logpipe-platform"
