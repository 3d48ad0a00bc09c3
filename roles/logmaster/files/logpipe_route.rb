# Routing for the logstash engine, read from the same routing table file as the logpipe engine
# (tooling/logpipe/routing/table.py and logpipe/logmaster/events.py are the reference semantics):
# rules in order, the first whose every condition holds wins, else the default topic; an event too large, or
# whose message lacks its rule's format, goes to the dead-letter topic with the reason. Never a silent drop.
# Loaded by the pipeline's ruby filter (`path` + `script_params`); sets [@metadata][logpipe][...] for the outputs.
require 'json'
require 'yaml'

def register(params)
  table = YAML.safe_load(File.read(params.fetch('routing_table')))
  @dlq = table.fetch('dead_letter_topic')
  @default = { 'name' => 'default', 'topic' => table.fetch('default_topic'),
               'format' => table.fetch('default_format', 'raw'), 'conds' => [] }
  @rules = table.fetch('rules', []).map { |rule| compile_rule(rule) }
  @value = table.fetch('value', 'event')
  @message_field = field_ref(table.fetch('message_field', 'message'))
  @key_field = table['key_field'] && field_ref(table['key_field'])
  @max_bytes = params.fetch('max_event_bytes').to_i
  @keep_bytes = params.fetch('dead_letter_original_bytes').to_i
end

# 'fields.log_type' -> '[fields][log_type]'
def field_ref(dotted)
  "[#{dotted.split('.').join('][')}]"
end

def compile_rule(rule)
  conds = rule.fetch('when').map do |field, expected|
    if expected.is_a?(Hash)
      [field_ref(field), Regexp.new(expected.fetch('regex')), nil]
    else
      [field_ref(field), nil, Array(expected).map { |value| scalar_text(value) }]
    end
  end
  { 'name' => rule.fetch('name'), 'topic' => rule.fetch('topic'), 'format' => rule.fetch('format', 'raw'),
    'conds' => conds }
end

# A scalar as a YAML author writes it (true/false lower-case); nil for anything else.
def scalar_text(value)
  case value
  when true then 'true'
  when false then 'false'
  when String, Integer, Float then value.to_s
  end
end

def holds?(event, cond)
  field, regex, values = cond
  text = scalar_text(event.get(field))
  return false if text.nil?
  regex ? regex.match?(text) : values.include?(text)
end

def format_problem(format, message)
  if format == 'json'
    begin
      parsed = JSON.parse(message)
      parsed.is_a?(Hash) ? nil : "message is JSON but not an object (#{parsed.class.name.downcase})"
    rescue JSON::ParserError => e
      "message is not JSON (#{e.message.lines.first.to_s.strip})"
    end
  elsif format.is_a?(Hash)
    spec = format.fetch('delimited')
    separator = spec.fetch('separator')
    found = message.scan(separator).length + 1
    return nil if found >= spec.fetch('fields').to_i
    "message has #{found} #{separator.inspect}-separated fields, expected at least #{spec.fetch('fields')}"
  end
end

def dead_letter(event, reason, detail, size, route = '')
  meta = '[@metadata][logpipe]'
  message = event.get(@message_field)
  truncated = message.is_a?(String) && message.bytesize > @keep_bytes
  event.set(@message_field, message.byteslice(0, @keep_bytes).scrub('')) if truncated
  event.set("#{meta}[topic]", @dlq)
  event.set("#{meta}[reason]", reason)
  event.set("#{meta}[detail]", detail)
  event.set("#{meta}[route]", route)
  event.set("#{meta}[truncated]", truncated.to_s)
  event.set("#{meta}[original_bytes]", size.to_s)
  [event]
end

def filter(event)
  size = event.to_json.bytesize
  if size > @max_bytes
    return dead_letter(event, 'oversized', "event of #{size} bytes is above max_event_bytes=#{@max_bytes}", size)
  end
  rule = @rules.find { |candidate| candidate['conds'].all? { |cond| holds?(event, cond) } } || @default
  if @value == 'message' || rule['format'] != 'raw'
    message = event.get(@message_field)
    unless message.is_a?(String)
      return dead_letter(event, 'unparseable', "event has no text field #{@message_field}", size, rule['name'])
    end
    problem = format_problem(rule['format'], message)
    return dead_letter(event, 'unparseable', "rule '#{rule['name']}': #{problem}", size, rule['name']) if problem
  end
  event.set('[@metadata][logpipe][topic]', rule['topic'])
  key = @key_field && scalar_text(event.get(@key_field))
  event.set('[@metadata][logpipe][key]', key) if key
  [event]
end
