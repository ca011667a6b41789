#!/usr/bin/env bash
# Prepares the official gRPC interop peers, the Python and Ruby interop clients and servers from
# Debian's grpc source package, under tests/interop/.peers/ (git-ignored; nothing of grpc's source
# is committed). Idempotent: returns at once when .peers/READY names the installed grpc version.
#
# Where the source comes from, first match wins:
#   1. $GRPC_SOURCE: a directory holding grpc_<version>.orig.tar.gz, or an extracted grpc-<version> tree;
#   2. a tarball downloaded earlier into .peers/download/;
#   3. `apt-get source --download-only grpc=<version>` into .peers/download/ (as root, a deb-src line
#      for this Debian release is added when apt has none).
# Needs the Debian packages python3-grpcio, python3-google-auth (the Python client imports it),
# ruby-grpc and protobuf-compiler-grpc (protoc, grpc_python_plugin, grpc_ruby_plugin).
#
# Afterwards:
#   Python: cd tests/interop/.peers/python && /usr/bin/python3 -m tests.interop.client|server --flags...
#   Ruby:   ruby tests/interop/.peers/ruby/pb/test/client.rb|server.rb --flags...
set -euo pipefail

out="$(cd "$(dirname "$0")/.." && pwd)/.peers"
mkdir -p "$out"
exec 9>"$out/.lock"
flock 9

fail() { echo "prepare.sh: $*" >&2; exit 1; }

version=$(dpkg-query -W -f='${source:Version}' python3-grpcio 2>/dev/null) \
  || fail "python3-grpcio is not installed (apt-get install python3-grpcio)."
ruby_version=$(dpkg-query -W -f='${source:Version}' ruby-grpc 2>/dev/null) \
  || fail "ruby-grpc is not installed (apt-get install ruby-grpc)."
[ "$ruby_version" = "$version" ] || fail "python3-grpcio ($version) and ruby-grpc ($ruby_version) come from different grpc versions."
upstream=${version%-*}
if [ "$(cat "$out/READY" 2>/dev/null)" = "$version" ]; then
  exit 0
fi

for tool in protoc grpc_python_plugin grpc_ruby_plugin; do
  command -v "$tool" >/dev/null || fail "$tool is missing (apt-get install protobuf-compiler-grpc)."
done
command -v ruby >/dev/null || fail "ruby is missing (apt-get install ruby-grpc)."
/usr/bin/python3 -c 'import google.auth' 2>/dev/null || fail "google.auth is missing for /usr/bin/python3 (apt-get install python3-google-auth)."

# The files taken from the source, relative to its root.
files=(
  src/proto/grpc/testing/empty.proto
  src/proto/grpc/testing/messages.proto
  src/proto/grpc/testing/test.proto
  src/python/grpcio_tests/tests/interop/__init__.py
  src/python/grpcio_tests/tests/interop/client.py
  src/python/grpcio_tests/tests/interop/methods.py
  src/python/grpcio_tests/tests/interop/resources.py
  src/python/grpcio_tests/tests/interop/server.py
  src/python/grpcio_tests/tests/interop/service.py
  src/python/grpcio_tests/tests/unit/test_common.py
  src/ruby/pb/test/client.rb
  src/ruby/pb/test/server.rb
)

# Adds a deb-src line for this release when apt knows no source package grpc=$version.
ensure_deb_src() {
  if apt-cache showsrc grpc 2>/dev/null | grep -qx "Version: $version"; then
    return
  fi
  local codename
  codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
  [ "$(id -u)" -eq 0 ] || fail "apt has no source package grpc=$version; as root, add a deb-src line for $codename (or set GRPC_SOURCE)."
  echo "prepare.sh: adding deb-src for $codename (/etc/apt/sources.list.d/agentmesh-deb-src.sources)" >&2
  cat > /etc/apt/sources.list.d/agentmesh-deb-src.sources <<SOURCES
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: $codename
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES
  apt-get update -qq
  apt-cache showsrc grpc 2>/dev/null | grep -qx "Version: $version" || fail "apt still has no source package grpc=$version."
}

stage="$out/source"
rm -rf "$stage"
mkdir -p "$stage"
tarball_in() { compgen -G "$1/grpc_${upstream}.orig.tar.*" | head -n 1 || true; }
if [ -n "${GRPC_SOURCE:-}" ] && [ -f "$GRPC_SOURCE/${files[-1]}" ] && [ -f "$GRPC_SOURCE/src/python/grpcio_tests/tests/unit/test_common.py" ]; then
  (cd "$GRPC_SOURCE" && cp --parents "${files[@]}" "$stage/")
else
  tarball=""
  [ -n "${GRPC_SOURCE:-}" ] && tarball=$(tarball_in "$GRPC_SOURCE")
  [ -n "$tarball" ] || tarball=$(tarball_in "$out/download")
  if [ -z "$tarball" ]; then
    ensure_deb_src
    mkdir -p "$out/download"
    (cd "$out/download" && apt-get source --download-only -qq "grpc=$version" >&2)
    tarball=$(tarball_in "$out/download")
    [ -n "$tarball" ] || fail "apt-get source grpc=$version left no grpc_${upstream}.orig.tar.* in $out/download."
  fi
  tar -xf "$tarball" -C "$stage" --strip-components=1 "${files[@]/#/grpc-$upstream/}"
fi

protos=(src/proto/grpc/testing/empty.proto src/proto/grpc/testing/messages.proto src/proto/grpc/testing/test.proto)

# Python: the interop package as grpc lays it out (tests.interop, src.proto.grpc.testing).
python="$out/python"
rm -rf "$python"
mkdir -p "$python"
cp -r "$stage/src/python/grpcio_tests/tests" "$python/"
: > "$python/tests/__init__.py"       # grpc's own imports its unittest runner, which the peers do not need
: > "$python/tests/unit/__init__.py"
(cd "$stage" && protoc -I . --python_out="$python" --grpc_python_out="$python" \
  --plugin=protoc-gen-grpc_python="$(command -v grpc_python_plugin)" "${protos[@]}")
(cd "$python" && /usr/bin/python3 -c 'import tests.interop.methods, tests.interop.service, tests.unit.test_common') \
  || fail "the Python interop peer does not import (see above)."

# Ruby: pb/test/{client,server}.rb beside pb/src/proto/grpc/testing/*_pb.rb, as in grpc's tree.
ruby_dir="$out/ruby"
rm -rf "$ruby_dir"
mkdir -p "$ruby_dir/pb/test"
cp "$stage/src/ruby/pb/test/client.rb" "$stage/src/ruby/pb/test/server.rb" "$ruby_dir/pb/test/"
(cd "$stage" && protoc -I . --ruby_out="$ruby_dir/pb" --grpc_out="$ruby_dir/pb" \
  --plugin=protoc-gen-grpc="$(command -v grpc_ruby_plugin)" "${protos[@]}")
# The client loads grpc from the source tree's src/ruby/lib; use the installed ruby-grpc instead.
sed -i "s|^require_relative '../../lib/grpc'$|require 'grpc'|" "$ruby_dir/pb/test/client.rb"
grep -qx "require 'grpc'" "$ruby_dir/pb/test/client.rb" || fail "client.rb no longer loads grpc the expected way; update prepare.sh."
ruby -c "$ruby_dir/pb/test/client.rb" >/dev/null && ruby -c "$ruby_dir/pb/test/server.rb" >/dev/null

echo "$version" > "$out/READY"
echo "prepare.sh: interop peers of grpc $version ready in $out" >&2
