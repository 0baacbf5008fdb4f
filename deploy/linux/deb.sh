#!/bin/sh
# deb.sh packs a built softphone into a Debian binary package, with no
# debhelper tree: a staging directory and dpkg-deb.
#
#   deb.sh version          the package version for the git checkout here
#   deb.sh build BIN OUTDIR OUTDIR/softphone_<version>_<arch>.deb from BIN
#
# DEB_VERSION and DEB_MAINTAINER override the version and the Maintainer
# field. The Depends field is what dpkg-shlibdeps finds the binary links,
# plus the sound libraries miniaudio opens at run time (dlopen, so no
# linker can see them).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
maintainer=${DEB_MAINTAINER:-Softphone developers <softphone@example.org>}
runtime_depends='libasound2 | libpulse0'

# version turns `git describe` into a Debian native version: v1.2.3 on the
# tag is 1.2.3, later commits are 1.2.3+git<date>.<hash>, and with no tag
# at all 0.0~git<date>.<hash>. Characters Debian does not allow become
# dots, and a tag's hyphen (v1.0-rc1) a tilde, so a pre-release sorts
# before its release.
version() {
	if [ -n "${DEB_VERSION:-}" ]; then
		echo "$DEB_VERSION"
		return
	fi
	hash=$(git rev-parse --short=7 HEAD 2>/dev/null) ||
		{ echo "deb.sh: not a git checkout: set DEB_VERSION" >&2; return 1; }
	date=$(git log -1 --format=%cd --date=format:%Y%m%d)
	if ! tag=$(git describe --tags --abbrev=0 2>/dev/null); then
		echo "0.0~git$date.$hash"
		return
	fi
	v=$(printf '%s' "$tag" | sed -e 's/^[vV]//' -e 's/-/~/g' -e 's/[^A-Za-z0-9.+~]/./g')
	case $v in [0-9]*) ;; *) v="0~$v" ;; esac
	if [ "$(git rev-list --count "$tag..HEAD")" != 0 ]; then
		v="$v+git$date.$hash"
	fi
	echo "$v"
}

# depends asks dpkg-shlibdeps which packages hold the libraries the staged
# binary needs, at which versions. It wants the debian/control of a source
# tree around the binary: the staging directory is debian/softphone in out.
depends() {
	out=$1
	printf 'Source: softphone\n\nPackage: softphone\nArchitecture: any\n' >"$out/debian/control"
	shlibs=$(cd "$out" && dpkg-shlibdeps -O -edebian/softphone/usr/bin/softphone)
	shlibs=${shlibs#shlibs:Depends=}
	[ -n "$shlibs" ] || { echo "deb.sh: dpkg-shlibdeps found no dependency" >&2; return 1; }
	echo "$shlibs, $runtime_depends"
}

build() {
	bin=$1 out=$2
	[ -x "$bin" ] || { echo "deb.sh: $bin is not an executable" >&2; exit 1; }
	case $bin in /*) ;; *) bin=$(pwd)/$bin ;; esac
	v=$(version) || exit 1
	dpkg --validate-version "$v" || { echo "deb.sh: '$v' is not a Debian version" >&2; exit 1; }
	arch=$(dpkg --print-architecture)
	: "${SOURCE_DATE_EPOCH:=$(git log -1 --format=%ct 2>/dev/null || date +%s)}"
	export SOURCE_DATE_EPOCH

	stage=$out/debian/softphone
	rm -rf "$out/debian"
	install -d -m 0755 "$stage/DEBIAN" "$stage/usr/bin" "$stage/usr/share/applications" \
		"$stage/usr/share/icons/hicolor/scalable/apps" "$stage/usr/share/man/man1" "$stage/usr/share/doc/softphone"
	install -m 0755 "$bin" "$stage/usr/bin/softphone"
	sed 's|^Exec=softphone |Exec=/usr/bin/softphone |' "$here/softphone.desktop" >"$stage/usr/share/applications/softphone.desktop"
	grep -q '^Exec=/usr/bin/softphone %u$' "$stage/usr/share/applications/softphone.desktop" ||
		{ echo "deb.sh: no Exec= line to rewrite in softphone.desktop" >&2; exit 1; }
	chmod 0644 "$stage/usr/share/applications/softphone.desktop"
	install -m 0644 "$here/../../assets/icons/softphone.svg" "$stage/usr/share/icons/hicolor/scalable/apps/softphone.svg"
	install -m 0644 "$here/softphone.1" "$stage/usr/share/man/man1/softphone.1"
	gzip -9n "$stage/usr/share/man/man1/softphone.1"

	doc=$stage/usr/share/doc/softphone
	{
		first=$(git log --reverse --format=%cd --date=format:%Y 2>/dev/null | head -n 1)
		last=$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y)
		years=${first:-$last}
		[ "$years" = "$last" ] || years="$years-$last"
		sed "s/@YEARS@/$years/" "$here/copyright"
		echo
		echo "The program is statically linked with these Go modules, each under"
		echo "its own licence (see its source at the version given):"
		"${GO:-go}" version -m "$bin" | awk '$1 == "dep" { printf " %s %s\n", $2, $3 }'
	} >"$doc/copyright"
	{
		echo "softphone ($v) unstable; urgency=medium"
		echo
		echo "  * Built from commit $(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)."
		echo
		echo " -- $maintainer  $(date -u -R -d "@$SOURCE_DATE_EPOCH")"
	} >"$doc/changelog"
	gzip -9n "$doc/changelog"
	chmod 0644 "$doc/copyright" "$doc/changelog.gz"

	install -m 0755 "$here/postinst" "$here/postrm" "$stage/DEBIAN/"
	(cd "$stage" && find usr -type f -print0 | LC_ALL=C sort -z | xargs -0 md5sum) >"$stage/DEBIAN/md5sums"
	deps=$(depends "$out")
	size=$(du -sk --exclude=DEBIAN "$stage" | cut -f1)
	cat >"$stage/DEBIAN/control" <<EOF
Package: softphone
Version: $v
Architecture: $arch
Maintainer: $maintainer
Installed-Size: $size
Depends: $deps
Recommends: xdg-utils
Section: comm
Priority: optional
Homepage: https://github.com/softphone/softphone
Description: SIP softphone with a desktop window and headless commands
 Softphone makes and answers SIP calls: registration on several accounts,
 audio (Opus, G.722, G.711) and video (VP8, H.264) calls, SRTP with SDES or
 DTLS, ICE with STUN and TURN, hold, transfer, conferences, voicemail,
 busy lamps and messages.
 .
 It opens sip:, sips:, tel: and callto: links clicked in a browser or a
 CRM, serves a local API for click-to-dial and screen-pop, and runs the
 same phone headless for servers and automation.
EOF
	rm -f "$out"/softphone_*.deb
	deb=$out/softphone_${v}_$arch.deb
	dpkg-deb --root-owner-group -Zxz --build "$stage" "$deb" >/dev/null
	echo "$deb"
}

case ${1:-} in
version) version ;;
build)
	[ $# = 3 ] || { echo "usage: deb.sh build BIN OUTDIR" >&2; exit 2; }
	build "$2" "$3"
	;;
*)
	echo "usage: deb.sh version | deb.sh build BIN OUTDIR" >&2
	exit 2
	;;
esac
