import json

from logpipe.lab.reconcile import Arrival, Stream, make_line, parse_line, reconcile


def arrival(topic: str, host: str, path: str, seq: int, written: int = 1000, at: int = 1250) -> Arrival:
    return Arrival(topic, make_line(host, path, seq, written).encode(), at)


def test_line_round_trips_raw_and_inside_event_json():
    line = make_line("producer-1", "/var/log/app/access.log", 42, 1700000000000)
    assert len(line) == 183
    assert parse_line(line.encode()) == ("producer-1", "/var/log/app/access.log", 42, 1700000000000)
    event = json.dumps({"message": line, "fields": {"log_type": "access"}}).encode()
    assert parse_line(event) == ("producer-1", "/var/log/app/access.log", 42, 1700000000000)
    assert parse_line(b"not a test line") is None


def test_counts_lost_duplicated_and_misrouted():
    streams = [Stream("p1", "/a.log", "access", 5), Stream("p1", "/s.log", "system", 3)]
    arrivals = [arrival("access", "p1", "/a.log", seq) for seq in (0, 1, 1, 3, 4)]
    arrivals += [arrival("system", "p1", "/s.log", seq) for seq in (0, 1, 2)]
    arrivals.append(arrival("access", "p1", "/s.log", 2))  # a system line in the wrong topic
    reports = reconcile(streams, arrivals)
    assert (reports["access"].sent, reports["access"].received) == (5, 4)
    assert reports["access"].lost == 1
    assert reports["access"].duplicated == 1
    assert reports["access"].misrouted == 1
    assert reports["system"].lost == 0
    assert reports["system"].percentile(0.5) == 250.0


def test_lines_beyond_what_was_sent_are_not_counted():
    reports = reconcile([Stream("p1", "/a.log", "t", 2)], [arrival("t", "p1", "/a.log", s) for s in (0, 1, 2)])
    assert reports["t"].received == 2 and reports["t"].lost == 0
