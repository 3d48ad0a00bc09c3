"""The `logpipe` logmaster engine: a Beats (lumberjack v2) server that routes events to Kafka topics and ACKs a
window only after Kafka acknowledged every event in it. Modules: `protocol` (wire format), `config`, `events`
(event -> record or dead letter), `sinks` (Kafka clients), `engine` (connections, windows, backpressure),
`health` (HTTP /health and /metrics), `service` (running it all), `cli`."""
