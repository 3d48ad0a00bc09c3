"""The `logpipe placement` command on JSON input: files written, exit codes, errors naming the option."""

from __future__ import annotations

import json

from logpipe.cli import main
from logpipe.placement import cluster_to_dict


def test_plan_writes_kafka_files_and_a_plot(tmp_path, nine, capsys):
    src = tmp_path / "cluster.json"
    src.write_text(json.dumps(cluster_to_dict(nine)))
    out = tmp_path / "out"
    rc = main(["placement", "plan", "--cluster", str(src), "--add-broker", "10:az-a:4096", "--add-broker",
               "11:az-b:4096", "--add-broker", "12:az-c:4096", "--out", str(out), "--plot", str(tmp_path / "p.png")])
    assert rc == 0
    text = capsys.readouterr().out
    assert "lower bound" in text and "replica spread" in text
    assert json.loads((out / "reassignment.json").read_text())["version"] == 1
    assert (tmp_path / "p.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    first = (out / "reassignment.json").read_text()
    assert main(["placement", "plan", "--cluster", str(src), "--add-broker", "10:az-a:4096", "--add-broker",
                 "11:az-b:4096", "--add-broker", "12:az-c:4096", "--out", str(out)]) == 0
    assert (out / "reassignment.json").read_text() == first


def test_bad_options_exit_2_naming_the_option(tmp_path, nine, capsys):
    src = tmp_path / "cluster.json"
    src.write_text(json.dumps(cluster_to_dict(nine)))
    assert main(["placement", "plan", "--cluster", str(src), "--replace", "4", "--out", str(tmp_path)]) == 2
    assert "--replace '4'" in capsys.readouterr().err
    assert main(["placement", "plan", "--cluster", str(src), "--leaders-only", "--remove-broker", "1",
                 "--out", str(tmp_path)]) == 2
    assert "choose one scenario" in capsys.readouterr().err
    assert main(["placement", "plan", "--cluster", str(tmp_path / "none.json"), "--out", str(tmp_path)]) == 2
