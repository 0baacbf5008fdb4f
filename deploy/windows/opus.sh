#!/bin/sh
# opus.sh OUT: a static libopus for mingw-w64 (x86_64) in OUT, built from
# Debian's own source package of the version Debian 12 ships (pinned by
# checksum: the .orig tarball and Debian's patches). Kept once built, so
# later builds take no time. Debian has no mingw libopus to install.
set -eu
OUT=${1:?usage: opus.sh OUT}
[ -f "$OUT/lib/libopus.a" ] && exit 0
# One build at a time (tests build for Windows from several processes).
mkdir -p "$(dirname "$OUT")"
exec 9>"$OUT.lock"
flock 9
[ -f "$OUT/lib/libopus.a" ] && exit 0

VERSION=1.3.1
DEBIAN=1.3.1-3
POOL=http://deb.debian.org/debian/pool/main/o/opus
ORIG_SHA256=65b58e1e25b2a114157014736a3d9dfeaad8d41be1c8179866f144a2fb44ff9d
DEBIAN_SHA256=f4a145f0d5b9140106396fc0b0c515b1c3abd59f2aa5fb62b36b69886aa411bc
HOST=x86_64-w64-mingw32

command -v $HOST-gcc >/dev/null || { echo "opus.sh: $HOST-gcc is missing: apt-get install gcc-mingw-w64-x86-64" >&2; exit 1; }
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
curl -fsSL -o orig.tar.gz "$POOL/opus_$VERSION.orig.tar.gz"
curl -fsSL -o debian.tar.xz "$POOL/opus_$DEBIAN.debian.tar.xz"
printf '%s  orig.tar.gz\n%s  debian.tar.xz\n' "$ORIG_SHA256" "$DEBIAN_SHA256" | sha256sum -c --quiet
tar xzf orig.tar.gz
cd "opus-$VERSION"
tar xJf ../debian.tar.xz
if [ -f debian/patches/series ]; then
	for p in $(grep -v '^#' debian/patches/series); do patch -s -p1 < "debian/patches/$p"; done
fi
./configure --host=$HOST --prefix="$OUT" --enable-static --disable-shared \
	--disable-doc --disable-extra-programs >configure.log 2>&1 || { tail -20 configure.log >&2; exit 1; }
# Debian's toolchain defaults add _FORTIFY_SOURCE, which makes mingw link
# libssp; the library does not need it. (CFLAGS on the command line would
# drop the SSE4.1 flags of its own files.)
sed -i 's/ -D_FORTIFY_SOURCE=2//' Makefile
make -j"$(nproc)" >make.log 2>&1 || { tail -20 make.log >&2; exit 1; }
make install >/dev/null
echo "opus.sh: libopus $DEBIAN for $HOST in $OUT"
