#!/bin/sh
# app.sh builds Softphone.app, the macOS application bundle. It runs on a
# Mac only (cgo against Homebrew's libraries, Apple's codesign); the
# Info.plist it writes can be printed anywhere.
#
#   app.sh plist VERSION BUNDLE_ID       the bundle's Info.plist on stdout
#   app.sh build OUTDIR VERSION BUNDLE_ID
#                                        OUTDIR/Softphone.app
#
# With MAC_SIGN_ID (a "Developer ID Application: ..." identity in the
# keychain) the bundle is signed for the hardened runtime, ready to be
# notarized (docs/macos.md); without it, ad hoc (runs on this Mac only).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)

plist() {
	case $1 in *[!0-9.]* | "" | .* | *.) echo "app.sh: version '$1' is not numbers and dots" >&2; exit 2 ;; esac
	case $2 in *[!A-Za-z0-9.-]* | "") echo "app.sh: bundle id '$2' is not a reverse-DNS name" >&2; exit 2 ;; esac
	sed -e "s/@VERSION@/$1/g" -e "s/@BUNDLE_ID@/$2/g" "$here/Info.plist"
}

# icon renders the SVG icon into an .icns (rsvg-convert from Homebrew's
# librsvg; iconutil is Apple's).
icon() {
	set -- "$1" "$(mktemp -d)/softphone.iconset"
	mkdir "$2"
	for s in 16 32 128 256 512; do
		rsvg-convert -w "$s" -h "$s" -o "$2/icon_${s}x${s}.png" "$repo/assets/icons/softphone.svg"
		rsvg-convert -w $((s * 2)) -h $((s * 2)) -o "$2/icon_${s}x${s}@2x.png" "$repo/assets/icons/softphone.svg"
	done
	iconutil -c icns -o "$1" "$2"
	rm -rf "$(dirname "$2")"
}

build() {
	out=$1 version=$2 id=$3
	if [ "$(uname -s)" != Darwin ]; then
		echo "make macos: Softphone.app is built on a Mac, and this is $(uname -s); see docs/macos.md" >&2
		exit 1
	fi
	pkg-config --exists opus opusfile vpx openh264 2>/dev/null || {
		echo "make macos: missing libraries; run: brew install pkg-config opus opusfile libvpx openh264" >&2
		exit 1
	}
	case $out in /*) ;; *) out=$(pwd)/$out ;; esac
	app=$out/Softphone.app
	rm -rf "$app"
	mkdir -p "$app/Contents/MacOS" "$app/Contents/Resources"
	plist "$version" "$id" >"$app/Contents/Info.plist"
	plutil -lint "$app/Contents/Info.plist" >/dev/null
	printf 'APPL????' >"$app/Contents/PkgInfo"
	(cd "$repo" && CGO_ENABLED=1 "${GO:-go}" build -trimpath -ldflags "-s -w" -o "$app/Contents/MacOS/softphone" ./cmd/softphone)
	if command -v rsvg-convert >/dev/null; then
		icon "$app/Contents/Resources/softphone.icns"
	else
		echo "make macos: no rsvg-convert (brew install librsvg): the app keeps the default icon" >&2
	fi
	# The program links Homebrew's dylibs; copied into the bundle, it runs
	# on Macs without Homebrew.
	if command -v dylibbundler >/dev/null; then
		dylibbundler -of -b -x "$app/Contents/MacOS/softphone" -d "$app/Contents/Frameworks" -p @executable_path/../Frameworks/
	else
		echo "make macos: no dylibbundler (brew install dylibbundler): the app needs Homebrew's libraries where it runs" >&2
	fi
	if [ -n "${MAC_SIGN_ID:-}" ]; then
		# Inside out: the libraries first, then the bundle with its entitlements.
		if [ -d "$app/Contents/Frameworks" ]; then
			find "$app/Contents/Frameworks" -name '*.dylib' -exec \
				codesign --force --timestamp --options runtime --sign "$MAC_SIGN_ID" {} \;
		fi
		codesign --force --timestamp --options runtime --entitlements "$here/entitlements.plist" \
			--sign "$MAC_SIGN_ID" "$app"
	else
		codesign --force --deep --sign - "$app"
	fi
	codesign --verify --strict --deep "$app"
	echo "$app"
}

case ${1:-} in
plist)
	[ $# = 3 ] || { echo "usage: app.sh plist VERSION BUNDLE_ID" >&2; exit 2; }
	plist "$2" "$3"
	;;
build)
	[ $# = 4 ] || { echo "usage: app.sh build OUTDIR VERSION BUNDLE_ID" >&2; exit 2; }
	build "$2" "$3" "$4"
	;;
*)
	echo "usage: app.sh plist VERSION BUNDLE_ID | app.sh build OUTDIR VERSION BUNDLE_ID" >&2
	exit 2
	;;
esac
