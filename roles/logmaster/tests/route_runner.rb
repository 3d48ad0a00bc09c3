# Runs files/logpipe_route.rb outside Logstash, for the parity test: a minimal Event with Logstash's field
# reference syntax ([a][b]) and to_json without @metadata, as Logstash serialises events.
#   ruby route_runner.rb ROUTE_SCRIPT ROUTING_YML MAX_EVENT_BYTES KEEP_BYTES < events.jsonl > decisions.jsonl
require 'json'

class Event
  def initialize(data)
    @data = data
  end

  def keys_of(ref)
    ref.scan(/\[([^\]]+)\]/).flatten
  end

  def get(ref)
    keys_of(ref).reduce(@data) { |node, key| node.is_a?(Hash) ? node[key] : nil }
  end

  def set(ref, value)
    keys = keys_of(ref)
    node = keys[0..-2].reduce(@data) { |parent, key| parent[key] ||= {} }
    node[keys[-1]] = value
  end

  def to_json(*args)
    @data.reject { |key, _| key == '@metadata' }.to_json(*args)
  end
end

script, table, max_bytes, keep_bytes = ARGV
load script
register('routing_table' => table, 'max_event_bytes' => max_bytes, 'dead_letter_original_bytes' => keep_bytes)
$stdin.each_line do |line|
  event = filter(Event.new(JSON.parse(line))).first
  meta = event.get('[@metadata][logpipe]') || {}
  puts({ 'topic' => meta['topic'], 'reason' => meta['reason'], 'key' => meta['key'], 'route' => meta['route'],
         'truncated' => meta['truncated'] }.to_json)
end
