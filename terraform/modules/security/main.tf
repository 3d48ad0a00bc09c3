# Security groups as a matrix: each listener names its port(s), protocols, the group it opens on and the sources
# (other groups of this module, or CIDR lists) allowed in. Everything below is derived from `local.listeners`.
# aws_security_group_rule (not aws_vpc_security_group_ingress_rule) keeps group-to-group rules stable on re-plan.

locals {
  # One group per role, plus `agent`, which every host carries (each runs a Consul agent): gossip, Consul
  # client traffic and SSH are opened once on `agent` rather than for every pair of roles.
  roles    = ["kafka", "logmaster", "consul", "producer", "agent"]
  admin_sg = var.admin_security_group_id != null ? var.admin_security_group_id : aws_security_group.admin[0].id

  listeners = {
    kafka_client       = { from_port = var.kafka_ports.client, to_port = var.kafka_ports.client, protocols = ["tcp"], to = ["kafka"], from = ["logmaster", "kafka"], cidrs = var.kafka_client_cidrs }
    kafka_inter_broker = { from_port = var.kafka_ports.inter_broker, to_port = var.kafka_ports.inter_broker, protocols = ["tcp"], to = ["kafka"], from = ["kafka"], cidrs = [] }
    kafka_controller   = { from_port = var.kafka_ports.controller, to_port = var.kafka_ports.controller, protocols = ["tcp"], to = ["kafka"], from = ["kafka"], cidrs = [] }
    beats              = { from_port = var.beats_port, to_port = var.beats_port, protocols = ["tcp"], to = ["logmaster"], from = ["producer"], cidrs = var.producer_cidrs }
    consul_server_rpc  = { from_port = 8300, to_port = 8300, protocols = ["tcp"], to = ["consul"], from = ["agent"], cidrs = var.producer_cidrs }
    consul_serf_lan    = { from_port = 8301, to_port = 8301, protocols = ["tcp", "udp"], to = ["agent"], from = ["agent"], cidrs = var.producer_cidrs }
    consul_serf_wan    = { from_port = 8302, to_port = 8302, protocols = ["tcp", "udp"], to = ["consul"], from = ["consul"], cidrs = [] }
    consul_http        = { from_port = 8500, to_port = 8501, protocols = ["tcp"], to = ["consul"], from = ["agent", "admin"], cidrs = var.admin_cidrs }
    consul_dns         = { from_port = 8600, to_port = 8600, protocols = ["tcp", "udp"], to = ["consul"], from = ["agent"], cidrs = var.producer_cidrs }
    ssh                = { from_port = 22, to_port = 22, protocols = ["tcp"], to = ["agent"], from = ["admin"], cidrs = var.admin_cidrs }
  }

  group_rules = merge([
    for name, l in local.listeners : merge([
      for pair in setproduct(l.to, l.from, l.protocols) : {
        "${name}/${pair[0]}/${pair[1]}/${pair[2]}" = {
          listener = name, to = pair[0], source = pair[1], protocol = pair[2], from_port = l.from_port, to_port = l.to_port
        }
      }
    ]...)
  ]...)

  cidr_rules = merge([
    for name, l in local.listeners : merge([
      for pair in setproduct(l.to, l.protocols) : {
        "${name}/${pair[0]}/cidrs/${pair[1]}" = {
          listener = name, to = pair[0], cidrs = l.cidrs, protocol = pair[1], from_port = l.from_port, to_port = l.to_port
        }
      }
    ]...) if length(l.cidrs) > 0
  ]...)

  source_ids = merge({ for r in local.roles : r => aws_security_group.role[r].id }, { admin = local.admin_sg })
}

resource "aws_security_group" "role" {
  for_each    = toset(local.roles)
  name        = "${var.name}-${each.key}"
  description = "logpipe ${each.key} hosts of ${var.name}"
  vpc_id      = var.vpc_id
  tags        = merge(var.tags, { Name = "${var.name}-${each.key}", Role = each.key })
}

resource "aws_security_group" "admin" {
  count       = var.admin_security_group_id == null ? 1 : 0
  name        = "${var.name}-admin"
  description = "Attach to admin/bastion hosts of ${var.name}: SSH and the Consul UI are open to this group"
  vpc_id      = var.vpc_id
  tags        = merge(var.tags, { Name = "${var.name}-admin", Role = "admin" })
}

resource "aws_security_group_rule" "from_group" {
  for_each                 = local.group_rules
  type                     = "ingress"
  description              = "${each.value.listener} from ${each.value.source}"
  security_group_id        = aws_security_group.role[each.value.to].id
  source_security_group_id = local.source_ids[each.value.source]
  protocol                 = each.value.protocol
  from_port                = each.value.from_port
  to_port                  = each.value.to_port
}

resource "aws_security_group_rule" "from_cidrs" {
  for_each          = local.cidr_rules
  type              = "ingress"
  description       = "${each.value.listener} from listed networks"
  security_group_id = aws_security_group.role[each.value.to].id
  cidr_blocks       = each.value.cidrs
  protocol          = each.value.protocol
  from_port         = each.value.from_port
  to_port           = each.value.to_port
}

resource "aws_security_group_rule" "egress" {
  for_each          = toset([for r in local.roles : r if r != "agent"])
  type              = "egress"
  description       = "all outbound"
  security_group_id = aws_security_group.role[each.key].id
  cidr_blocks       = ["0.0.0.0/0"]
  protocol          = "-1"
  from_port         = 0
  to_port           = 0
}
