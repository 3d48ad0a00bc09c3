"""Write a file with one unparseable and one oversized access line: dead_letter_probe.py PATH MARKER PADDING.

An access line needs 4 '|'-separated fields, so a line with none is unparseable; the oversized one exceeds the
lab's logmaster_max_event_bytes (64 KiB). The padding line keeps the file above Filebeat's fingerprint size
(1 KiB) and must differ per probe: files whose first KiB is equal share a fingerprint and only the first is read.
"""

import os
import sys


def main() -> None:
    path, marker, padding = sys.argv[1], sys.argv[2], sys.argv[3]
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as out:
        out.write(padding + "#" * 1100 + "\n")
        out.write(marker + "-unparseable\n")
        out.write(marker + "|x|1|2|" + "y" * 70000 + "\n")


if __name__ == "__main__":
    main()
