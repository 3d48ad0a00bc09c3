# The listener -> rule matrix: no ingress from anywhere, SSH only from admin, Consul gossip over TCP and UDP.

mock_provider "aws" {}

variables {
  name   = "test-sec"
  vpc_id = "vpc-0123456789abcdef0"
}

run "no_open_ingress_and_ssh_only_from_admin" {
  command = plan

  assert {
    condition     = alltrue([for r in aws_security_group_rule.from_cidrs : !contains(r.cidr_blocks, "0.0.0.0/0")]) && length(aws_security_group_rule.from_cidrs) == 0
    error_message = "without CIDR inputs there is no CIDR ingress at all"
  }
  assert {
    condition     = alltrue([for k, r in aws_security_group_rule.from_group : r.type == "ingress"]) && alltrue([for r in aws_security_group_rule.egress : r.type == "egress"])
    error_message = "only the egress rules may be egress"
  }
  assert {
    condition     = toset([for k, r in aws_security_group_rule.from_group : split("/", k)[2] if r.from_port == 22]) == toset(["admin"])
    error_message = "SSH must be open only to the admin group"
  }
  assert {
    condition     = [for k, r in aws_security_group_rule.from_group : k if r.from_port == 22] == ["ssh/agent/admin/tcp"]
    error_message = "SSH opens once, on the agent group every host carries"
  }
  assert {
    condition     = length(aws_security_group_rule.from_group) == 15 && length(aws_security_group_rule.egress) == 4
    error_message = "the matrix expands to 15 group rules and one egress rule per role"
  }
}

run "matrix_has_each_listener" {
  command = plan

  assert {
    condition     = contains(keys(output.ingress_matrix), "consul_serf_lan/agent/agent/udp") && contains(keys(output.ingress_matrix), "consul_serf_lan/agent/agent/tcp")
    error_message = "Serf LAN gossip must be open over TCP and UDP between all agents"
  }
  assert {
    condition     = output.ingress_matrix["beats/logmaster/producer/tcp"] == "5044-5044" && length([for k in keys(output.ingress_matrix) : k if startswith(k, "beats/")]) == 1
    error_message = "Beats 5044 opens only on the logmasters, from producers"
  }
  assert {
    condition     = output.ingress_matrix["kafka_client/kafka/logmaster/tcp"] == "9092-9092" && output.ingress_matrix["kafka_inter_broker/kafka/kafka/tcp"] == "9091-9091" && output.ingress_matrix["kafka_controller/kafka/kafka/tcp"] == "9093-9093"
    error_message = "Kafka client, inter-broker and controller listeners"
  }
  assert {
    condition     = output.ingress_matrix["consul_http/consul/admin/tcp"] == "8500-8501" && contains(keys(output.ingress_matrix), "consul_dns/consul/agent/udp") && contains(keys(output.ingress_matrix), "consul_serf_wan/consul/consul/udp") && contains(keys(output.ingress_matrix), "consul_server_rpc/consul/agent/tcp")
    error_message = "Consul 8300-8302, 8500/8501 and 8600 listeners"
  }
  assert {
    condition     = length(aws_security_group.admin) == 1
    error_message = "an admin group is created when none is given"
  }
}

run "producer_networks_reach_beats_and_consul" {
  command = plan
  variables {
    producer_cidrs          = ["192.0.2.0/24"]
    admin_security_group_id = "sg-0aaaaaaaaaaaaaaaa"
  }

  assert {
    condition     = aws_security_group_rule.from_cidrs["beats/logmaster/cidrs/tcp"].cidr_blocks == tolist(["192.0.2.0/24"]) && contains(keys(aws_security_group_rule.from_cidrs), "consul_serf_lan/agent/cidrs/udp")
    error_message = "producer networks reach Beats and Consul gossip"
  }
  assert {
    condition     = length(aws_security_group.admin) == 0 && aws_security_group_rule.from_group["ssh/agent/admin/tcp"].source_security_group_id == "sg-0aaaaaaaaaaaaaaaa"
    error_message = "a given admin group is used, not created"
  }
}

run "rejects_open_admin_cidr" {
  command = plan
  variables {
    admin_cidrs = ["0.0.0.0/0"]
  }
  expect_failures = [var.admin_cidrs]
}

run "rejects_clashing_kafka_ports" {
  command = plan
  variables {
    kafka_ports = { client = 9092, inter_broker = 9092, controller = 9093 }
  }
  expect_failures = [var.kafka_ports]
}
