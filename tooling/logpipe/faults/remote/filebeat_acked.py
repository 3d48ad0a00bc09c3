"""Print the events the local Filebeat has had ACKed since it started: filebeat_acked.py MONITORING_PORT."""

import json
import sys
import urllib.request


def main() -> None:
    stats = json.load(urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/stats", timeout=5))
    print(stats["libbeat"]["output"]["events"]["acked"])


if __name__ == "__main__":
    main()
