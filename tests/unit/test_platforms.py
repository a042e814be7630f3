"""Roles claim exactly the platforms the molecule scenarios boot (.config/molecule/config.yml)."""

import pathlib
import re

import pytest
import yaml

ROOT = pathlib.Path(__file__).parents[2]
ROLES = sorted(p for p in (ROOT / "roles").iterdir() if (p / "meta" / "main.yml").exists())
# Image name -> the Debian release it boots (tools/test-image.sh builds them).
DEBIAN_IMAGES = {"debian12": "bookworm", "debian13": "trixie"}


def booted_platforms():
    base = yaml.safe_load((ROOT / ".config" / "molecule" / "config.yml").read_text(encoding="utf-8"))
    releases = set()
    for platform in base["platforms"]:
        image = re.match(r"temporalops/(debian\d+)-systemd:", platform["image"]).group(1)
        releases.add(DEBIAN_IMAGES[image])
    return {"Debian": releases}


def test_scenarios_boot_only_the_shared_platforms():
    """A scenario takes the shared platform list, or one of more hosts of the same images (the
    production cluster): never a release the roles do not claim."""
    shared = yaml.safe_load((ROOT / ".config" / "molecule" / "config.yml").read_text(encoding="utf-8"))["platforms"]
    for scenario in (ROOT / "molecule").glob("*/molecule.yml"):
        config = yaml.safe_load(scenario.read_text(encoding="utf-8"))
        images = set(platform["image"] for platform in config.get("platforms", shared))
        assert images == set(platform["image"] for platform in shared), "%s boots %s" % (scenario, sorted(images))


@pytest.mark.parametrize("role", ROLES, ids=[r.name for r in ROLES])
def test_role_claims_what_the_tests_boot(role):
    meta = yaml.safe_load((role / "meta" / "main.yml").read_text(encoding="utf-8"))
    claimed = {p["name"]: set(p["versions"]) for p in meta["galaxy_info"]["platforms"]}
    assert claimed == booted_platforms()
