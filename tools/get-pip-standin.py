"""Stand-in for the get-pip bootstrap script that ansible-test downloads for its sanity venvs.

ansible-test fetches get-pip-<version>.py from a host this machine cannot reach and caches it
as ~/.ansible/test/cache/get_pip_<version>.py. tools/ansible-test.sh runs ansible-test with a
HOME inside the cache directory and puts this script there, beside the pinned pip wheel
(downloaded from PyPI). Like get-pip, it installs pip (from that wheel) and the packages it is
given into the running interpreter; it runs pip straight from the wheel, which is how pip's
own documentation bootstraps it.

usage (as ansible-test calls it): python get_pip_X_Y.py [pip install options] [packages]
"""

import glob
import os
import sys


def wheel_beside(script):
    found = sorted(glob.glob(os.path.join(os.path.dirname(os.path.abspath(script)), "pip-*-py3-none-any.whl")))
    if not found:
        sys.exit("no pip wheel beside %s: run tools/ansible-test.sh, which provides it" % script)
    return found[-1]


def main():
    wheel = wheel_beside(os.environ.get("GET_PIP", __file__))
    version = os.path.basename(wheel).split("-")[1]
    args = []
    for arg in sys.argv[1:]:
        # get-pip's own options: it would skip installing these; pip does not know them.
        if arg in ("--no-setuptools", "--no-wheel"):
            continue
        # pip itself comes from the wheel, not from an index.
        args.append(wheel if arg == "pip==" + version else arg)
    sys.path.insert(0, wheel)
    from pip._internal.cli.main import main as pip_main  # pylint: disable=import-outside-toplevel

    return pip_main(["install"] + args)


if __name__ == "__main__":
    sys.exit(main())
