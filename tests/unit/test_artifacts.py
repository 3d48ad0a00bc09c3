"""The local artifact source without network or Go: recipe keys, the cache decision, manifest and SHA256SUMS,
checksum errors, deterministic packing, the Go wrapper go.mod and the committed recipes."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import subprocess
import tarfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

import logpipe.artifacts as artifacts
from logpipe.artifacts import build as builder
from logpipe.artifacts import gomod, kafka, pack, store, tflint
from logpipe.artifacts.checksums import format_sums, parse_sums, verify_file
from logpipe.artifacts.pins import CONSUL_PINS, FILEBEAT_PINS, GoPin, KafkaPin, Pins, selected_pins
from logpipe.artifacts.recipe import Recipe, recipe_key
from logpipe.errors import LogpipeError


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    """An empty cache and artifact dir of our own, so nothing touches the real ~/.cache/logpipe."""
    monkeypatch.setenv("LOGPIPE_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("LOGPIPE_ARTIFACTS", raising=False)
    return tmp_path / "cache"


# ---------------------------------------------------------------- recipe keys

def test_recipe_key_depends_on_every_input_and_not_on_order():
    base = recipe_key("kafka", "4.1.1", {"a": "1", "b": "2"}, {"pom.xml": b"<p/>", "x.yaml": b"x"})
    assert base == recipe_key("kafka", "4.1.1", {"b": "2", "a": "1"}, {"x.yaml": b"x", "pom.xml": b"<p/>"})
    changed = [
        recipe_key("kafka", "4.1.0", {"a": "1", "b": "2"}, {"pom.xml": b"<p/>", "x.yaml": b"x"}),
        recipe_key("consul", "4.1.1", {"a": "1", "b": "2"}, {"pom.xml": b"<p/>", "x.yaml": b"x"}),
        recipe_key("kafka", "4.1.1", {"a": "1", "b": "3"}, {"pom.xml": b"<p/>", "x.yaml": b"x"}),
        recipe_key("kafka", "4.1.1", {"a": "1", "b": "2"}, {"pom.xml": b"<p />", "x.yaml": b"x"}),
        recipe_key("kafka", "4.1.1", {"a": "1", "b": "2"}, {"pom.xml": b"<p/>", "y.yaml": b"x"}),
        recipe_key("kafka", "4.1.1", {"a": "1", "b": "2"}, {"pom.xml": b"<p/>"}),
    ]
    assert base not in changed
    assert len(set(changed)) == len(changed)


def test_recipe_key_follows_the_recipe_files(tmp_path):
    (tmp_path / "go.mod").write_text("module x\n")
    recipe = Recipe(name="consul", version="1.19.2", file="c.zip", recipe_dir=tmp_path)
    first = recipe.key()
    assert recipe.key() == first
    (tmp_path / "go.sum").write_text("x v1 h1:abc=\n")
    second = recipe.key()
    (tmp_path / "go.mod").write_text("module y\n")
    assert len({first, second, recipe.key()}) == 3


def test_missing_recipe_dir_names_it(tmp_path):
    recipe = Recipe(name="consul", version="9.9.9", file="c.zip", recipe_dir=tmp_path / "nope")
    with pytest.raises(LogpipeError, match=r"consul 9\.9\.9.*nope"):
        recipe.key()


def test_kafka_version_is_a_variable_and_changes_the_key():
    pins = selected_pins({"LOGPIPE_KAFKA_VERSION": "4.0.0"})
    assert pins.kafka == KafkaPin(version="4.0.0")
    assert pins.kafka.file == "kafka_2.13-4.0.0.tgz"
    assert kafka.recipe(pins.kafka).key() != kafka.recipe(KafkaPin()).key()


def test_pin_selection_errors_name_the_variable():
    with pytest.raises(LogpipeError, match="LOGPIPE_FILEBEAT_VERSION='8.0.0'.*7.17.29, 9.3.0"):
        selected_pins({"LOGPIPE_FILEBEAT_VERSION": "8.0.0"})
    with pytest.raises(LogpipeError, match="LOGPIPE_KAFKA_VERSION='latest'"):
        selected_pins({"LOGPIPE_KAFKA_VERSION": "latest"})
    assert selected_pins({"LOGPIPE_FILEBEAT_VERSION": "7.17.29"}).filebeat.module_version == "v7.17.29"
    assert selected_pins({}).filebeat.module_version == "v7.0.0-alpha2.0.20251031181001-be9871f5dab9"


def test_kafka_required_jars():
    pin = KafkaPin()
    complete = ["kafka_2.13-4.1.1.jar", "kafka-tools-4.1.1.jar", "kafka-clients-4.1.1.jar", "kafka-server-4.1.1.jar",
                "kafka-storage-4.1.1.jar", "kafka-raft-4.1.1.jar", "log4j-core-2.24.3.jar",
                "log4j-slf4j-impl-2.24.3.jar", "jackson-dataformat-yaml-2.19.0.jar"]
    assert kafka.missing_jars(complete, pin) == []
    assert kafka.missing_jars([j for j in complete if "slf4j" not in j], pin) == ["log4j-slf4j-impl-"]
    # a jar of another Kafka version does not count
    assert kafka.missing_jars([j.replace("4.1.1", "4.0.0") for j in complete], KafkaPin()) == [
        "kafka_2.13-4.1.1.jar", "kafka-tools-4.1.1.jar", "kafka-clients-4.1.1.jar", "kafka-server-4.1.1.jar",
        "kafka-storage-4.1.1.jar", "kafka-raft-4.1.1.jar"]


def test_kafka_java_command_uses_the_classpath_wildcard():
    cmd = kafka.java_command(Path("/opt/kafka"), kafka.MAIN_CLASS, "config/server.properties", jvm=("-Xmx1g",))
    assert cmd == ["java", "-Xmx1g", "-cp", "/opt/kafka/libs/*", "kafka.Kafka", "config/server.properties"]


# ---------------------------------------------------------------- the cache decision, with a builder of our own

@dataclass(frozen=True)
class TinyPin:
    version: str


class TinyBuilder:
    """Builds a small tarball from a recipe directory; counts how often it really builds."""

    def __init__(self, recipe_dir: Path) -> None:
        self.recipe_dir = recipe_dir
        self.builds = 0

    def recipe(self, pin: TinyPin) -> Recipe:
        return Recipe(name="kafka", version=pin.version, file=f"tiny-{pin.version}.tgz", recipe_dir=self.recipe_dir)

    def build(self, pin: TinyPin, scratch: Path, dest: Path) -> str:
        self.builds += 1
        stage = scratch / "stage"
        (stage / "libs").mkdir(parents=True, exist_ok=True)
        shutil.copy2(self.recipe_dir / "payload.txt", stage / "libs" / "payload.txt")
        pack.write_tgz(stage, f"tiny-{pin.version}", dest)
        return f"test recipe {self.recipe_dir.name}"


@pytest.fixture
def tiny(tmp_path, cache):
    recipe_dir = tmp_path / "recipe"
    recipe_dir.mkdir()
    (recipe_dir / "payload.txt").write_text("hello\n")
    return TinyBuilder(recipe_dir), tmp_path / "artifacts"


def _pins(version: str) -> Pins:
    return Pins(kafka=TinyPin(version), consul=None, filebeat=None)  # type: ignore[arg-type]


def _build(tiny_builder, directory, version="1.0.0", force=False):
    directory.mkdir(exist_ok=True)
    return builder.build(["kafka"], force=force, directory=directory, pins=_pins(version),
                         builders={"kafka": tiny_builder})


def test_build_is_cached_until_recipe_version_or_force_changes(tiny, capsys):
    tiny_builder, directory = tiny
    first = _build(tiny_builder, directory)
    assert [o.rebuilt for o in first] == [True] and tiny_builder.builds == 1
    again = _build(tiny_builder, directory)
    assert [o.rebuilt for o in again] == [False] and tiny_builder.builds == 1
    assert again[0].record == first[0].record
    assert "is up to date" in capsys.readouterr().out

    (tiny_builder.recipe_dir / "payload.txt").write_text("changed\n")
    assert _build(tiny_builder, directory)[0].rebuilt and tiny_builder.builds == 2
    assert _build(tiny_builder, directory, force=True)[0].rebuilt and tiny_builder.builds == 3

    newer = _build(tiny_builder, directory, version="1.1.0")[0].record
    assert tiny_builder.builds == 4
    # the superseded file is gone and the records name only the new one
    assert sorted(p.name for p in directory.iterdir() if not p.name.startswith(".")) == [
        "SHA256SUMS", "manifest.json", "tiny-1.1.0.tgz"]
    assert artifacts.manifest(directory) == {"kafka": newer.to_json()}


def test_build_redoes_a_deleted_artifact(tiny):
    tiny_builder, directory = tiny
    record = _build(tiny_builder, directory)[0].record
    (directory / record.file).unlink()
    assert _build(tiny_builder, directory)[0].rebuilt and tiny_builder.builds == 2


def test_manifest_and_sums_are_consistent_and_sha256sum_accepts_them(tiny):
    tiny_builder, directory = tiny
    record = _build(tiny_builder, directory)[0].record
    digest = hashlib.sha256((directory / record.file).read_bytes()).hexdigest()
    manifest = json.loads((directory / "manifest.json").read_text())
    assert manifest["kafka"]["sha256"] == digest
    assert set(manifest["kafka"]) >= {"version", "file", "sha256", "built_from"}
    assert manifest["kafka"]["built_from"] == "test recipe recipe"
    assert (directory / "SHA256SUMS").read_text() == f"{digest}  {record.file}\n"
    check = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=directory, capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    assert [r.file for r in builder.verify(directory)] == [record.file]


def test_unknown_artifact_name_is_refused(tiny):
    tiny_builder, directory = tiny
    directory.mkdir()
    with pytest.raises(LogpipeError, match="unknown artifact.*hadoop"):
        builder.build(["hadoop"], directory=directory, pins=_pins("1"), builders={"kafka": tiny_builder})


# ---------------------------------------------------------------- checksum errors

def test_corrupted_artifact_fails_verify_naming_file_expected_and_actual(tiny):
    tiny_builder, directory = tiny
    record = _build(tiny_builder, directory)[0].record
    path = directory / record.file
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    actual = hashlib.sha256(bytes(data)).hexdigest()
    with pytest.raises(LogpipeError) as err:
        builder.verify(directory)
    message = str(err.value)
    assert record.file in message and record.sha256 in message and actual in message
    with pytest.raises(LogpipeError, match=f"expected sha256 {record.sha256}, actual {actual}"):
        artifacts.verify_file(path, record.sha256)


def test_verify_cli_exits_2_naming_the_corrupted_file(tiny, monkeypatch, capsys):
    from logpipe.cli import main

    tiny_builder, directory = tiny
    record = _build(tiny_builder, directory)[0].record
    monkeypatch.setenv("LOGPIPE_ARTIFACTS", str(directory))
    assert main(["artifacts", "verify"]) == 0
    with open(directory / record.file, "ab") as handle:
        handle.write(b"tampered")
    assert main(["artifacts", "verify"]) == 2
    assert f"artifact {record.file} failed its checksum" in capsys.readouterr().err


def test_sums_file_disagreeing_with_manifest_is_reported(tiny):
    tiny_builder, directory = tiny
    record = _build(tiny_builder, directory)[0].record
    (directory / "SHA256SUMS").write_text(f"{'0' * 64}  {record.file}\n")
    with pytest.raises(LogpipeError, match=f"SHA256SUMS records {'0' * 64} for {record.file}"):
        builder.verify(directory)


def test_verify_file_missing_and_malformed_expectation(tmp_path):
    with pytest.raises(LogpipeError, match="artifact gone.zip is missing"):
        verify_file(tmp_path / "gone.zip", "a" * 64)
    (tmp_path / "f").write_bytes(b"x")
    with pytest.raises(LogpipeError, match="expected sha256 for f is not 64 hex digits"):
        verify_file(tmp_path / "f", "abc")
    assert verify_file(tmp_path / "f", hashlib.sha256(b"x").hexdigest().upper()) == hashlib.sha256(b"x").hexdigest()


def test_sums_round_trip_and_malformed_line():
    digests = {"b.zip": "b" * 64, "a.tgz": "a" * 64}
    text = format_sums(digests)
    assert text.splitlines() == [f"{'a' * 64}  a.tgz", f"{'b' * 64}  b.zip"]
    assert parse_sums(text) == digests
    assert parse_sums(f"{'c' * 64} *bin.zip\n") == {"bin.zip": "c" * 64}
    with pytest.raises(LogpipeError, match="SHA256SUMS line 2"):
        parse_sums(f"{'a' * 64}  a.tgz\nnot a checksum line\n")
    with pytest.raises(LogpipeError, match="plain file name"):
        format_sums({"dir/a.tgz": "a" * 64})


def test_manifest_entry_missing_fields_names_entry_and_field(tmp_path):
    (tmp_path / "manifest.json").write_text(json.dumps({"consul": {"version": "1.19.2", "file": "c.zip"}}))
    with pytest.raises(LogpipeError, match="entry 'consul' lacks field.*sha256, built_from, recipe_key"):
        artifacts.manifest(tmp_path)


# ---------------------------------------------------------------- kafka_home

def _fake_kafka_artifact(directory: Path, scratch: Path) -> store.Record:
    stage = scratch / "kafka_2.13-4.1.1"
    (stage / "libs").mkdir(parents=True)
    (stage / "config").mkdir()
    (stage / "libs" / "kafka_2.13-4.1.1.jar").write_bytes(b"PK not really a jar")
    (stage / "config" / "server.properties").write_text("node.id=1\n")
    directory.mkdir(parents=True, exist_ok=True)
    pack.write_tgz(stage, "kafka_2.13-4.1.1", directory / "kafka_2.13-4.1.1.tgz")
    record = store.record_for(directory, "kafka", "4.1.1", "kafka_2.13-4.1.1.tgz", "test", "k" * 64)
    store.write_records(directory, {"kafka": record})
    return record


def test_kafka_home_extracts_once_and_refuses_a_corrupted_tarball(tmp_path, cache):
    directory = tmp_path / "artifacts"
    record = _fake_kafka_artifact(directory, tmp_path / "stage")
    home = artifacts.kafka_home(directory)
    assert home.name == "kafka_2.13-4.1.1" and cache in home.parents
    assert (home / "libs" / "kafka_2.13-4.1.1.jar").read_bytes() == b"PK not really a jar"
    assert artifacts.kafka_home(directory) == home

    # a different (corrupted) tarball under the same record is not served from the earlier extraction
    shutil.rmtree(home.parent)
    with open(directory / record.file, "ab") as handle:
        handle.write(b"\0garbage")
    with pytest.raises(LogpipeError, match=f"artifact {record.file} failed its checksum"):
        artifacts.kafka_home(directory)


def test_kafka_home_without_artifact_says_what_to_run(tmp_path, cache):
    with pytest.raises(LogpipeError, match="logpipe artifacts build --only kafka"):
        artifacts.kafka_home(tmp_path)


# ---------------------------------------------------------------- packing

def test_tgz_is_deterministic_with_the_vendor_layout(tmp_path):
    src = tmp_path / "src"
    (src / "libs").mkdir(parents=True)
    (src / "libs" / "b.jar").write_bytes(b"b")
    (src / "libs" / "a.jar").write_bytes(b"a")
    tool = src / "filebeat"
    tool.write_bytes(b"\x7fELF")
    tool.chmod(0o755)
    pack.write_tgz(src, "top-1.0", tmp_path / "one.tgz")
    (src / "libs" / "a.jar").touch()  # a newer mtime must not change the bytes
    pack.write_tgz(src, "top-1.0", tmp_path / "two.tgz")
    assert (tmp_path / "one.tgz").read_bytes() == (tmp_path / "two.tgz").read_bytes()
    with tarfile.open(tmp_path / "one.tgz") as tar:
        members = {m.name: m for m in tar.getmembers()}
    assert list(members) == ["top-1.0", "top-1.0/filebeat", "top-1.0/libs", "top-1.0/libs/a.jar",
                             "top-1.0/libs/b.jar"]
    assert members["top-1.0/filebeat"].mode == 0o755 and members["top-1.0/libs/a.jar"].mode == 0o644
    assert {m.uid for m in members.values()} == {0}


def test_zip_holds_the_single_executable(tmp_path):
    binary = tmp_path / "consul"
    binary.write_bytes(b"\x7fELF consul")
    binary.chmod(0o755)
    pack.write_zip({"consul": binary}, tmp_path / "c.zip")
    first = (tmp_path / "c.zip").read_bytes()
    pack.write_zip({"consul": binary}, tmp_path / "c.zip")
    assert (tmp_path / "c.zip").read_bytes() == first
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        assert archive.namelist() == ["consul"]
        info = archive.getinfo("consul")
        assert archive.read("consul") == b"\x7fELF consul"
        assert (info.external_attr >> 16) & 0o777 == 0o755


# ---------------------------------------------------------------- Go wrapper modules

PIN = GoPin(name="consul", version="1.19.2", module="github.com/hashicorp/consul", module_version="v1.19.2",
            package="github.com/hashicorp/consul", nosumdb="github.com/hashicorp/consul/*")


def test_wrapper_gomod_keeps_non_local_replaces_and_all_excludes():
    upstream = {
        "Go": "1.20",
        "Replace": [
            {"Old": {"Path": "github.com/hashicorp/consul/api"}, "New": {"Path": "./api"}},
            {"Old": {"Path": "github.com/Shopify/sarama"},
             "New": {"Path": "github.com/elastic/sarama", "Version": "v1.19.1-0.20220310193331-ebc2b0d8eef3"}},
            {"Old": {"Path": "golang.org/x/x", "Version": "v0.1.0"}, "New": {"Path": "../fork"}},
            {"Old": {"Path": "github.com/a/b", "Version": "v1.0.0"},
             "New": {"Path": "github.com/c/b", "Version": "v1.0.1"}},
        ],
        "Exclude": [{"Path": "github.com/hashicorp/go-msgpack", "Version": "v1.1.6"},
                    {"Path": "github.com/hashicorp/go-msgpack", "Version": "v1.1.5"}],
    }
    text = gomod.wrapper_gomod(PIN, upstream)
    lines = text.splitlines()
    assert "go 1.24" in lines  # the tool directive needs 1.24
    assert "require github.com/hashicorp/consul v1.19.2" in lines
    assert "tool github.com/hashicorp/consul" in lines
    exclude = lines[lines.index("exclude (") + 1:lines.index("exclude (") + 3]
    assert exclude == ["\tgithub.com/hashicorp/go-msgpack v1.1.5", "\tgithub.com/hashicorp/go-msgpack v1.1.6"]
    assert "\tgithub.com/Shopify/sarama => github.com/elastic/sarama v1.19.1-0.20220310193331-ebc2b0d8eef3" in lines
    assert "\tgithub.com/a/b v1.0.0 => github.com/c/b v1.0.1" in lines
    assert "./api" not in text and "../fork" not in text
    assert gomod.wrapper_gomod(PIN, dict(upstream, Go="1.25.3")).count("go 1.25.3") == 1
    assert "replace (" not in gomod.wrapper_gomod(PIN, {"Go": "1.22"})


@pytest.mark.parametrize("pin", [*CONSUL_PINS.values(), *FILEBEAT_PINS.values(), tflint.PIN],
                         ids=lambda p: f"{p.name}-{p.version}")
def test_committed_wrapper_module_matches_its_pin(pin):
    directory = gomod.recipe_dir(pin)
    go_mod = (directory / "go.mod").read_text()
    go_sum = (directory / "go.sum").read_text()
    assert f"\t{pin.module} {pin.module_version}" in go_mod or f"require {pin.module} {pin.module_version}" in go_mod
    assert f"tool {pin.package}\n" in go_mod
    assert f"{pin.module} {pin.module_version} h1:" in go_sum
    if pin.name == "consul":
        # the excludes that keep go-msgpack v1.1.5 out of Consul's build
        assert "github.com/hashicorp/go-msgpack v1.1.5" in go_mod


def test_go_env_is_static_and_offline_safe():
    env = gomod.go_env(PIN, mod="readonly")
    assert env["CGO_ENABLED"] == "0" and env["GOTOOLCHAIN"] == "local"
    assert env["GONOSUMDB"] == "github.com/hashicorp/consul/*"
    assert env["GOFLAGS"] == "-mod=readonly -buildvcs=false"


def test_vendor_file_names_follow_the_pins():
    from logpipe.artifacts import consul, filebeat

    assert consul.recipe(CONSUL_PINS["1.19.2"]).file == "consul_1.19.2_linux_amd64.zip"
    assert filebeat.recipe(FILEBEAT_PINS["9.3.0"]).file == "filebeat-9.3.0-linux-x86_64.tar.gz"
    assert filebeat.recipe(FILEBEAT_PINS["7.17.29"]).file == "filebeat-7.17.29-linux-x86_64.tar.gz"
    pin = FILEBEAT_PINS["9.3.0"]
    assert filebeat.recipe(pin).params["module"] == f"github.com/elastic/beats/v7@{pin.module_version}"


def test_a_binary_reporting_another_version_is_refused(tmp_path):
    fake = tmp_path / "consul"
    fake.write_text("#!/bin/sh\necho 'Consul v1.19.3-dev'\necho 'Revision unknown'\n")
    fake.chmod(0o755)
    with pytest.raises(LogpipeError, match=r"reports 'Consul v1.19.3-dev' .* not version 1.19.2"):
        gomod.check_reports_version(PIN, fake, ["version"])
    fake.write_text("#!/bin/sh\necho 'Consul v1.19.2'\n")
    assert gomod.check_reports_version(PIN, fake, ["version"]) == "Consul v1.19.2"


def test_tflint_is_built_once_per_recipe_into_the_cache(cache, monkeypatch):
    builds = []

    def fake_build(pin, scratch, binary):
        builds.append(pin.version)
        out = scratch / "bin" / binary
        out.parent.mkdir(parents=True)
        out.write_text(f"#!/bin/sh\necho 'TFLint version {pin.version}'\n")
        out.chmod(0o755)
        return out

    monkeypatch.setattr(gomod, "build_binary", fake_build)
    first = tflint.ensure_tflint()
    assert tflint.ensure_tflint() == first and builds == [tflint.PIN.version]
    assert first.parent.parent == cache / "tools"
    assert first.parent.name == f"tflint-{tflint.PIN.version}-{tflint.recipe().key()[:12]}"


def test_run_logged_keeps_the_log_and_reports_the_tail(tmp_path):
    from logpipe.artifacts.runner import run_logged

    log = tmp_path / "build.log"
    run_logged(["sh", "-c", "echo first; echo second"], label="ok step", log_path=log)
    assert log.read_text().splitlines()[-2:] == ["first", "second"]
    with pytest.raises(LogpipeError) as err:
        run_logged(["sh", "-c", "echo compiling; echo 'undefined: Foo' >&2; exit 3"], label="go build", log_path=log)
    message = str(err.value)
    assert "go build failed" in message and "exited 3" in message and "undefined: Foo" in message
    assert str(log) in message
