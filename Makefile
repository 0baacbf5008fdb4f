# The two commands a fresh Debian 12 machine needs: `make run` and `make test`.
# Everything else here is what they are built from.

GO        ?= go
BIN       := bin/softphone
# Debian packages: cgo libraries (Opus, Gio's X11/Wayland/EGL), and for the
# tests a real Kamailio registrar (with TLS), baresip as the far-end peer,
# PulseAudio for the device loopback test, Xvfb for the real-window test,
# coturn, nftables and iproute2 for the NAT tests, chromium for the browser
# tests, xdg-utils and desktop-file-utils for make install and its test,
# gtk-sni-tray (a StatusNotifierItem host) for the tray test;
# mingw-w64, NSIS and osslsigncode for make windows, and Wine to run the
# Windows build in tests; dpkg-dev and lintian for make deb and its test,
# libplist-utils to check the macOS Info.plist.
DEB_PKGS  := gcc pkg-config libopus-dev libopusfile-dev libvpx-dev libopenh264-dev openssl ca-certificates \
             libwayland-dev libx11-dev libx11-xcb-dev libxkbcommon-x11-dev libxkbcommon-dev \
             libgles2-mesa-dev libegl1-mesa-dev libegl-dev libgles-dev libffi-dev libxcursor-dev libvulkan-dev \
             kamailio kamailio-tls-modules kamailio-presence-modules baresip-core pulseaudio pulseaudio-utils \
             xvfb xauth libgl1-mesa-dri libegl-mesa0 xdotool imagemagick x11-utils dbus-daemon \
             coturn nftables iproute2 iputils-ping xdg-utils desktop-file-utils chromium \
             gcc-mingw-w64-x86-64 nsis osslsigncode wine wine64 curl patch xz-utils \
             dpkg-dev lintian libplist-utils haskell-gtk-sni-tray-utils
# make bench also compares with linphone-desktop when it can install it.
BENCH_PKGS := linphone-desktop
GO_MIN    := 1.24
TEST_FLAGS ?= -race -count=1 -timeout 20m

.PHONY: all deps build run test unit lint fuzz bench bench-go clean install uninstall windows deb vet-darwin macos test-windows

all: build

# deps installs the missing Debian packages when run as root; otherwise it
# prints the exact apt-get line and stops. It changes nothing when all is there.
deps:
	@command -v $(GO) >/dev/null || { echo "Go $(GO_MIN)+ is needed: https://go.dev/dl (Debian 12's golang is too old)"; exit 1; }
	@$(GO) version | awk '{v=$$3; sub("go","",v); split(v,a,"."); if (a[1] < 1 || (a[1] == 1 && a[2] < 24)) { print "Go $(GO_MIN)+ is needed, found " $$3; exit 1 }}'
	@missing=""; for p in $(DEB_PKGS); do \
	  dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing:$$missing"; \
	    apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $$missing; \
	  else \
	    echo "missing Debian packages; run:"; echo "  sudo apt-get install -y$$missing"; exit 1; \
	  fi; \
	fi

# build: the program (window + commands) and the headless build of the same
# program (-tags nogui: no graphics libraries, for servers and automation).
build:
	$(GO) build -o $(BIN) ./cmd/softphone
	$(GO) build -tags nogui -o $(BIN)-headless ./cmd/softphone

# windows cross-builds the Windows programs with mingw-w64: softphone.exe
# (the window; no console) and softphone-cli.exe (the headless commands),
# and their per-user installer softphone-setup.exe (NSIS, 64-bit), into
# build/windows (WIN_DIR=... for another place). libopus is built for
# mingw from Debian's source package once and kept in build/windows/opus
# (deploy/windows/opus.sh); the exes need no DLL.
# With WIN_SIGN_CERT and WIN_SIGN_KEY (PEM) the exes and the installer are
# signed (osslsigncode). Video codecs (libvpx, openh264) are not in the
# Windows build yet: calls there are audio-only.
WIN_DIR     ?= build/windows
WIN_OPUS    := build/windows/opus
WIN_VERSION ?= 0.1.0
WIN_ENV     := GOOS=windows GOARCH=amd64 CGO_ENABLED=1 CC=x86_64-w64-mingw32-gcc CGO_CFLAGS=-w \
               PKG_CONFIG_LIBDIR=$(CURDIR)/$(WIN_OPUS)/lib/pkgconfig
WIN_SIGN    = osslsigncode sign -certs $(WIN_SIGN_CERT) -key $(WIN_SIGN_KEY) -h sha256 -n Softphone \
              -in $(1) -out $(1).signed && mv $(1).signed $(1)
# The icon and version resources are linked in by the external linker
# (cgo builds link with mingw's ld), so no generated .syso enters the tree.
WIN_RES     = $(abspath $(WIN_DIR))/rsrc.o
WIN_LDFLAGS = -s -w -extldflags=$(WIN_RES)
comma := ,
windows:
	deploy/windows/opus.sh $(WIN_OPUS)
	mkdir -p $(WIN_DIR)
	$(GO) run ./deploy/windows/icon $(WIN_DIR)/softphone.ico
	x86_64-w64-mingw32-windres -DICON_FILE='\"$(abspath $(WIN_DIR))/softphone.ico\"' \
	  -DVERSION_COMMA=$(subst .,$(comma),$(WIN_VERSION)),0 -DVERSION_STRING='\"$(WIN_VERSION)\"' \
	  -i deploy/windows/softphone.rc -o $(WIN_RES)
	$(WIN_ENV) $(GO) build -tags nolibopusfile -trimpath -ldflags "$(WIN_LDFLAGS) -H windowsgui" -o $(WIN_DIR)/softphone.exe ./cmd/softphone
	$(WIN_ENV) $(GO) build -tags nolibopusfile,nogui -trimpath -ldflags "$(WIN_LDFLAGS)" -o $(WIN_DIR)/softphone-cli.exe ./cmd/softphone
	@if [ -n "$(WIN_SIGN_CERT)" ]; then \
	  $(call WIN_SIGN,$(WIN_DIR)/softphone.exe) && $(call WIN_SIGN,$(WIN_DIR)/softphone-cli.exe) || exit 1; fi
	makensis -V2 -DEXEDIR=$(abspath $(WIN_DIR)) -DVERSION=$(WIN_VERSION) -DOUTFILE=$(abspath $(WIN_DIR))/softphone-setup.exe deploy/windows/softphone.nsi
	@if [ -n "$(WIN_SIGN_CERT)" ]; then $(call WIN_SIGN,$(WIN_DIR)/softphone-setup.exe) || exit 1; fi

# deb builds the Debian package build/deb/softphone_<version>_<arch>.deb
# (DEB_DIR=... for another place) with deploy/linux/deb.sh: the stripped
# program in /usr/bin, its desktop entry (the handler of sip:, sips:, tel:
# and callto: links), icon, man page, copyright and changelog, and Depends
# from dpkg-shlibdeps. The program is hardened as Debian builds C programs:
# position-independent, relocations read-only and bound at start, the C
# parts with checked buffer functions and stack protection. The
# version comes from `git describe --tags`; DEB_VERSION=... and
# DEB_MAINTAINER="Name <mail>" override it and the Maintainer field.
DEB_DIR ?= build/deb
deb:
	CGO_CFLAGS="-g -O2 -D_FORTIFY_SOURCE=2 -fstack-protector-strong" \
	  $(GO) build -trimpath -buildmode=pie -ldflags "-s -w -extldflags=-Wl,-z,relro,-z,now" -o $(DEB_DIR)/softphone ./cmd/softphone
	GO=$(GO) deploy/linux/deb.sh build $(DEB_DIR)/softphone $(DEB_DIR)

# macos builds build/macos/Softphone.app (MAC_DIR=... for another place) on
# a Mac with Xcode's command-line tools and Homebrew's opus, opusfile,
# libvpx, openh264 and pkg-config (deploy/macos/app.sh, docs/macos.md);
# elsewhere it refuses. MAC_SIGN_ID="Developer ID Application: ..." signs
# it for notarization; without it the bundle is signed ad hoc.
MAC_DIR       ?= build/macos
MAC_VERSION   ?= 0.1.0
MAC_BUNDLE_ID ?= com.github.softphone.softphone
macos:
	GO=$(GO) MAC_SIGN_ID="$(MAC_SIGN_ID)" deploy/macos/app.sh build $(MAC_DIR) $(MAC_VERSION) $(MAC_BUNDLE_ID)

run: deps build
	./$(BIN) $(ARGS)

# test is everything CI checks: formatting, vet, staticcheck, and every test
# (the integration tests start a real Kamailio, baresip, Xvfb... on
# 127.0.0.1; with CI=true a missing one fails its tests instead of skipping).
test: deps lint
	CI=$${CI:-} $(GO) test $(TEST_FLAGS) ./...
	$(MAKE) test-windows
	$(MAKE) fuzz

# test-windows runs every package's tests on Windows: cross-built with
# mingw-w64 as `make windows` builds, run under Wine in one private
# prefix, a line per package (internal/winsweep; WINSWEEP_FLAGS=-v lists
# the skipped tests and why). After the Linux run, not beside it: on two
# cores they would share the CPU, and the timing tests of both suffer.
test-windows:
	CI=$${CI:-} $(GO) run ./internal/winsweep $(WINSWEEP_FLAGS)

# fuzz runs every fuzz target of the tree for FUZZTIME on fresh inputs (its
# checked-in corpus already ran as tests above), two targets at a time;
# build/ holds copies of other modules (the Wine tests' Gio), not ours.
# FUZZTIME is a count of inputs, not a duration: Go 1.26's fuzz coordinator
# can report a clean end of a timed run as "context deadline exceeded" on a
# loaded machine (go.dev/issue/75804), and a count has no deadline to race.
# Everything the network feeds us has one; run one longer with e.g.
#   go test -run '^$$' -fuzz '^FuzzHandleRequest$$' -fuzztime 10m ./core/sip
FUZZTIME ?= 20000x
fuzz:
	@grep -rl --include='*_test.go' --exclude-dir=build --exclude-dir=.git '^func Fuzz' . | xargs -n1 dirname | sort -u | while read d; do \
	  for f in $$(grep -h '^func Fuzz' $$d/*_test.go | sed 's/^func \(Fuzz[A-Za-z0-9_]*\).*/\1/' | sort -u); do \
	    echo "$$d $$f"; \
	  done; \
	done | xargs -P 2 -L 1 sh -c 'out=$$($(GO) test -run "^$$" -fuzz "^$$1$$" -fuzztime $(FUZZTIME) -parallel 1 "$$0" 2>&1) || { echo "$$out"; echo "FAIL fuzz $$0 $$1"; exit 255; }; echo "ok fuzz $$0 $$1"'

# unit: the tests that need no server, quickly (go test -short). Every test
# that starts a real component (Kamailio, baresip, Xvfb, PulseAudio, D-Bus)
# first calls internal/testlab's Require, which skips it under -short (and
# testlab's own starters refuse to run a server then); `make test` runs them.
unit:
	$(GO) test -short -count=1 ./...

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) vet -tags nogui ./cmd/softphone
	$(GO) tool staticcheck ./...
	$(MAKE) --no-print-directory vet-darwin

# vet-darwin vets the macOS (arm64) side of every package that compiles
# without cgo, so the darwin-only files (platform/open's open_darwin.go...)
# are checked here too. Packages that need cgo there (Opus, libvpx,
# openh264, Gio's window), with their importers, are listed and skipped:
# only a Mac's own build checks them. A package of ours that fails to
# compile for another reason fails the target.
VET_DARWIN := GOOS=darwin GOARCH=arm64 CGO_ENABLED=0
vet-darwin:
	@list=$$($(VET_DARWIN) $(GO) list -e -export -test -f '{{if .Error}}own {{.ImportPath}} {{printf "%q" .Error.Err}}{{else if .DepsErrors}}deps {{.ImportPath}}{{else}}ok {{.ImportPath}}{{end}}' ./... 2>/dev/null | \
	  awk -v mod=$$($(GO) list -m) '{ p = $$2; sub(/\.test$$/, "", p); sub(/_test$$/, "", p); seen[p] = 1 } \
	    $$0 ~ /build constraints exclude all Go files/ { cgoonly[p] = 1 } \
	    $$1 == "own" && index(p, mod) == 1 { own[p] = own[p] $$0 "\n" } \
	    $$1 != "ok" { skip[p] = 1 } \
	    END { for (p in own) if (!cgoonly[p]) { printf "vet-darwin: %s", own[p] > "/dev/stderr"; bad = 1 } \
	      if (bad) exit 1; for (p in seen) if (skip[p]) print "skip " p; else print "vet " p }') || exit 1; \
	  echo "vet-darwin: needs cgo, not vetted:" $$(echo "$$list" | awk '$$1 == "skip" { print $$2 }' | sort); \
	  pkgs=$$(echo "$$list" | awk '$$1 == "vet" { print $$2 }' | sort); \
	  [ -n "$$pkgs" ] || { echo "vet-darwin: no package compiles for darwin"; exit 1; }; \
	  echo "$(VET_DARWIN) $(GO) vet ($$(echo "$$pkgs" | wc -l) packages)"; \
	  $(VET_DARWIN) $(GO) vet $$pkgs

# bench: the performance report (about 30 minutes on 2 cores): our program and
# baresip side by side on one loopback Kamailio, then latency, the jitter
# buffer under impairment, capacity, the window's start-up and memory (with
# linphone-desktop for comparison when installed), and the hot-path Go
# microbenchmarks. Writes docs/bench/results.{md,json}.
bench: deps
	@if [ "$$(id -u)" = 0 ]; then for p in $(BENCH_PKGS); do \
	  dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'install ok installed' || \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $$p || echo "no $$p: no comparison with it"; \
	done; fi
	cd internal/bench && $(GO) test -run '^$$' -bench SideBySide -benchtime 1x -timeout 50m -bench.side .

# bench-go: every Go benchmark of the tree, raw.
bench-go:
	$(GO) test -run '^$$' -bench . -benchmem ./...

clean:
	rm -rf bin build

# install puts the program, its desktop entry and its icon in the user's own
# directories (no root needed) and makes it the handler of sip:, sips:, tel:
# and callto: links, so that a click in a browser or a CRM dials. It builds
# bin/softphone first (Go rebuilds only what changed); `make install BIN=FILE`
# installs FILE instead, unbuilt (another build, or a test's stand-in).
# Paths with spaces are refused: make and the entry's Exec split on them.
PREFIX       ?= $(HOME)/.local
DATA_HOME    := $(or $(XDG_DATA_HOME),$(HOME)/.local/share)
INSTALL_BIN  := $(PREFIX)/bin/softphone
DESKTOP_DIR  := $(DATA_HOME)/applications
ICON_DIR     := $(DATA_HOME)/icons/hicolor/scalable/apps
MIMEAPPS     := $(or $(XDG_CONFIG_HOME),$(HOME)/.config)/mimeapps.list
URI_SCHEMES  := sip sips tel callto

install:
	@case "$(INSTALL_BIN)$(DESKTOP_DIR)" in *" "*) echo "install: PREFIX and XDG_DATA_HOME must not contain spaces"; exit 1;; esac
	@if [ "$(origin BIN)" = file ]; then echo "$(GO) build -o $(BIN) ./cmd/softphone"; $(GO) build -o $(BIN) ./cmd/softphone || exit 1; fi
	install -D -m 0755 $(BIN) $(INSTALL_BIN)
	install -d $(DESKTOP_DIR)
	sed 's|^Exec=softphone |Exec=$(INSTALL_BIN) |' deploy/linux/softphone.desktop > $(DESKTOP_DIR)/softphone.desktop.new
	@grep -q '^Exec=$(INSTALL_BIN) %u$$' $(DESKTOP_DIR)/softphone.desktop.new || { echo "install: no Exec= line to rewrite in deploy/linux/softphone.desktop"; rm -f $(DESKTOP_DIR)/softphone.desktop.new; exit 1; }
	chmod 0644 $(DESKTOP_DIR)/softphone.desktop.new
	mv -f $(DESKTOP_DIR)/softphone.desktop.new $(DESKTOP_DIR)/softphone.desktop
	install -D -m 0644 assets/icons/softphone.svg $(ICON_DIR)/softphone.svg
	@if command -v xdg-mime >/dev/null; then \
	  for s in $(URI_SCHEMES); do \
	    echo "xdg-mime default softphone.desktop x-scheme-handler/$$s"; \
	    xdg-mime default softphone.desktop x-scheme-handler/$$s || exit 1; \
	  done; \
	else echo "no xdg-mime (apt-get install xdg-utils): links are not handed to softphone"; fi
	@if command -v update-desktop-database >/dev/null; then update-desktop-database -q $(DESKTOP_DIR); fi

# uninstall removes what install put there and the link defaults that name
# softphone.desktop; a default the user gave another program stays (one that
# install replaced is not brought back). A mimeapps.list or a desktop
# database cache left with no entry at all goes too.
uninstall:
	rm -f $(INSTALL_BIN) $(DESKTOP_DIR)/softphone.desktop $(ICON_DIR)/softphone.svg
	@if [ -f $(MIMEAPPS) ]; then \
	  for s in $(URI_SCHEMES); do \
	    sed -i --follow-symlinks "/^x-scheme-handler\/$$s=softphone\.desktop;\?$$/d" $(MIMEAPPS) || exit 1; \
	  done; \
	fi
	@if command -v update-desktop-database >/dev/null && [ -d $(DESKTOP_DIR) ]; then update-desktop-database -q $(DESKTOP_DIR); fi
	@for f in $(MIMEAPPS) $(DESKTOP_DIR)/mimeinfo.cache; do \
	  if [ -f $$f ] && ! grep -qv '^\(\[.*\]\)\?[[:space:]]*$$' $$f; then echo "rm $$f (no entry left)"; rm -f $$f; fi; \
	done
