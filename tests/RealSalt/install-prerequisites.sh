#!/usr/bin/env bash
# Installs, from Debian's apt, what genuine Salt needs to run from a source tree on Debian's /usr/bin/python3
# (../shared/real-salt/README.md), when a tree is there ($SALT_SOURCE, else /opt/salt-src) and a package is missing.
# Without a tree it does nothing: the real-Salt suite is then skipped. `--check` only tells (exit 1: missing).
set -euo pipefail

tree="${SALT_SOURCE:-/opt/salt-src}"
packages="python3-msgpack python3-zmq python3-tornado python3-yaml python3-jinja2 python3-markupsafe python3-psutil
python3-distro python3-packaging python3-requests python3-cryptography python3-pycryptodome python3-jmespath
python3-cherrypy3 python3-aiohttp python3-setproctitle python3-croniter python3-dateutil python3-xxhash
python3-jaraco.text python3-gnupg salt-pepper openssl"
# What those packages give Debian's python3 (and openssl, for salt-api's self-signed certificate).
present() {
    /usr/bin/python3 -c 'import msgpack, zmq, tornado, yaml, jinja2, markupsafe, psutil, distro, packaging, requests, cryptography, Cryptodome, jmespath, cherrypy, aiohttp, setproctitle, croniter, dateutil, xxhash, jaraco.text, gnupg, pepper' 2>/dev/null &&
        command -v openssl >/dev/null
}

if [ "${1:-}" = --check ]; then
    present && exit 0
    echo "apt-get install $(echo $packages)"
    exit 1
fi
[ -f "$tree/scripts/salt-master" ] || exit 0
present && exit 0
echo "Installing genuine Salt's packages for the real-Salt suite (tree at $tree)"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $packages >/dev/null
