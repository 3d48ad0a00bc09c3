"""`logpipe terraform-config`: mirror discovery, the written CLI config, and clear errors."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from logpipe.cli import main as logpipe_main
from logpipe.errors import LogpipeError
from logpipe.terraform.config import (
    MIRROR_ENV,
    find_mirror,
    provider_versions,
    render_cli_config,
    terraform_env,
)

pytestmark = pytest.mark.terraform


def fake_mirror(base: Path, version: str, packed: bool = False) -> Path:
    aws = base / "registry.terraform.io/hashicorp/aws"
    if packed:
        aws.mkdir(parents=True)
        (aws / f"terraform-provider-aws_{version}_linux_amd64.zip").write_bytes(b"PK")
    else:
        (aws / version / "linux_amd64").mkdir(parents=True)
        (aws / version / "linux_amd64" / f"terraform-provider-aws_v{version}_x5").write_bytes(b"")
    return base


def test_finds_unpacked_and_packed_layouts(tmp_path: Path) -> None:
    assert provider_versions(fake_mirror(tmp_path / "a", "5.100.0")) == ["5.100.0"]
    assert provider_versions(fake_mirror(tmp_path / "b", "5.101.2", packed=True)) == ["5.101.2"]
    assert provider_versions(tmp_path / "empty") == []


def test_override_wins_and_newest_fitting_version_is_reported(tmp_path: Path) -> None:
    mirror = fake_mirror(tmp_path / "m", "5.100.0")
    fake_mirror(mirror, "5.103.1")
    fake_mirror(mirror, "6.0.0")
    found = find_mirror({MIRROR_ENV: str(mirror)}, home=tmp_path / "home", system=())
    assert (found.path, found.version) == (mirror, "5.103.1")


def test_override_without_provider_names_the_variable(tmp_path: Path) -> None:
    with pytest.raises(LogpipeError, match=MIRROR_ENV):
        find_mirror({MIRROR_ENV: str(tmp_path)}, home=tmp_path, system=())


def test_user_mirror_is_found_after_the_override(tmp_path: Path) -> None:
    home = tmp_path / "home"
    fake_mirror(home / ".terraform.d/plugins", "5.100.0")
    found = find_mirror({}, home=home, system=())
    assert found.path == home / ".terraform.d/plugins"
    xdg = fake_mirror(tmp_path / "xdg" / "terraform/plugins", "5.102.0")
    found = find_mirror({"XDG_DATA_HOME": str(tmp_path / "xdg")}, home=tmp_path / "nohome", system=())
    assert (found.path, found.version) == (xdg, "5.102.0")


def test_mirror_outside_the_pin_is_rejected_listing_where_it_looked(tmp_path: Path) -> None:
    home = tmp_path / "home"
    fake_mirror(home / ".terraform.d/plugins", "5.99.0")
    with pytest.raises(LogpipeError, match=r"~> 5\.100.*searched .*\.terraform\.d/plugins"):
        find_mirror({}, home=home, system=(tmp_path / "opt",))


def test_rendered_config_excludes_direct_registry_installation(tmp_path: Path) -> None:
    text = render_cli_config(tmp_path / 'm"x')
    assert 'path    = "' + str(tmp_path) + '/m\\"x"' in text
    assert 'direct {\n    exclude = ["registry.terraform.io/*/*"]' in text
    assert "filesystem_mirror" in text and "plugin_cache_dir" not in text


def test_command_writes_config_that_terraform_accepts(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOGPIPE_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("TF_CLI_CONFIG_FILE", str(tmp_path / "missing.tfrc"))  # the machine's broken setting
    assert logpipe_main(["terraform-config"]) == 0
    path = Path(capsys.readouterr().out.strip())
    assert path == tmp_path / "cache" / "terraform" / "cli.tfrc" and path.is_file()
    env = terraform_env()
    assert env["TF_CLI_CONFIG_FILE"] == str(path)
    (tmp_path / "root").mkdir()
    (tmp_path / "root" / "main.tf").write_text(
        'terraform {\n  required_providers {\n    aws = { source = "hashicorp/aws", version = "~> 5.100" }\n  }\n}\n')
    proc = subprocess.run(["terraform", "init", "-input=false", "-no-color"], cwd=tmp_path / "root", env=env,
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    assert "Unable to open CLI configuration file" not in proc.stderr + proc.stdout
    link = tmp_path / "root/.terraform/providers/registry.terraform.io/hashicorp/aws"
    assert any(link.iterdir())


def test_missing_terraform_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setenv("LOGPIPE_CACHE", str(tmp_path / "cache"))
    assert logpipe_main(["terraform-config"]) == 2
    assert "terraform is not on PATH" in capsys.readouterr().err
