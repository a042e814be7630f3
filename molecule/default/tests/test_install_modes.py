"""The other install paths of the shared flow: air-gapped (pre-staged archive) and download on the target."""

import os
import subprocess

import conftest
from conftest import CLI_ARCHIVE as ARCHIVE, CLI_RELEASE_PATH as RELEASE_PATH, CLI_VERSION, mirror_dir, recap_changed, run_playbook

# The install flow and input checks do not depend on the platform: the first host is enough.
testinfra_hosts = conftest.testinfra_hosts[:1]

CLI = "temporalops.temporal.temporal_cli"


def install_and_check(host, tmp_path, root, extra_vars):
    paths = {"temporal_install_root": root, "temporal_install_bin_dir": root + "/bin"}
    host.run_expect([0], "mkdir -p %s/bin" % root)
    try:
        rc, output = run_playbook(tmp_path, [CLI], dict(paths, **extra_vars), host=host)
        assert rc == 0, output[-3000:]
        version = host.run("%s/bin/temporal --version" % root)
        assert version.rc == 0 and CLI_VERSION in version.stdout
        rc, output = run_playbook(tmp_path, [CLI], dict(paths, **extra_vars), host=host)
        assert rc == 0 and recap_changed(output) == 0, output[-3000:]
    finally:
        rc, output = run_playbook(tmp_path, [CLI], dict(paths, temporal_cli_state="absent", **extra_vars), host=host)
        host.run("rm -rf %s" % root)
    assert rc == 0, output[-3000:]


def test_air_gapped_install_from_pre_staged_archive(present, tmp_path):
    """No route to any mirror: the archive and checksums.txt were staged on the controller."""
    staged = os.path.join(mirror_dir(), RELEASE_PATH, ARCHIVE)
    install_and_check(present, tmp_path, "/opt/airgap", {
        "temporal_cli_archive_path": staged,
        "temporal_install_base_url": "http://127.0.0.1:9",
    })


def test_download_on_target(present, tmp_path):
    """The host downloads from a mirror on its own loopback (a copy of the test mirror)."""
    container = present.backend.get_hostname()
    present.run_expect([0], "mkdir -p /srv/mirror/%s" % RELEASE_PATH)
    subprocess.run(["docker", "cp", os.path.join(mirror_dir(), RELEASE_PATH) + "/.",
                    "%s:/srv/mirror/%s/" % (container, RELEASE_PATH)], check=True)
    present.run_expect([0], "systemd-run --unit test-mirror python3 -m http.server 18765 "
                            "--bind 127.0.0.1 --directory /srv/mirror")
    try:
        present.run_expect([0], "for i in $(seq 50); do curl -fsS -o /dev/null "
                                "http://127.0.0.1:18765/%s/checksums.txt && exit 0; sleep 0.2; done; exit 1"
                                % RELEASE_PATH)
        install_and_check(present, tmp_path, "/opt/ontarget", {
            "temporal_install_download_on": "target",
            "temporal_install_base_url": "http://127.0.0.1:18765",
        })
    finally:
        present.run("systemctl stop test-mirror")
        present.run("rm -rf /srv/mirror")


def test_interrupted_unpack_is_redone_and_old_versions_are_pruned(present, tmp_path):
    """A version without the completion marker is unpacked again; only the newest others are kept."""
    root = "/opt/prune"
    paths = {"temporal_install_root": root, "temporal_install_bin_dir": root + "/bin"}
    present.run_expect([0], "mkdir -p %s/bin %s/cli/%s" % (root, root, CLI_VERSION))
    # Left behind by an unpack that died: an empty binary and no marker.
    present.run_expect([0], "touch %s/cli/%s/temporal" % (root, CLI_VERSION))
    for age, version in ((30, "1.0.0"), (20, "1.1.0"), (10, "1.2.0")):
        present.run_expect([0], "mkdir -p {0}/cli/{1} && touch -d '{2} days ago' {0}/cli/{1}".format(
            root, version, age))
    try:
        rc, output = run_playbook(tmp_path, [CLI], paths, host=present)
        assert rc == 0, output[-3000:]
        version = present.run("%s/bin/temporal --version" % root)
        assert version.rc == 0 and CLI_VERSION in version.stdout
        kept = present.check_output("ls %s/cli" % root).split()
        assert sorted(kept) == sorted([CLI_VERSION, "1.2.0"])
        rc, output = run_playbook(tmp_path, [CLI], paths, host=present)
        assert rc == 0 and recap_changed(output) == 0, output[-3000:]
    finally:
        present.run("rm -rf %s" % root)
