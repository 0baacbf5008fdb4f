# The two commands a fresh Debian 12 machine needs: `make run` and `make test`.
# Everything else here is what they are built from.

GO        ?= go
BIN       := bin/softphone
# Debian packages: cgo libraries (Opus, Gio's X11/Wayland/EGL), and for the
# tests a real Kamailio registrar (with TLS), baresip as the far-end peer,
# PulseAudio for the device loopback test, Xvfb for the real-window test.
DEB_PKGS  := gcc pkg-config libopus-dev libopusfile-dev openssl ca-certificates \
             libwayland-dev libx11-dev libx11-xcb-dev libxkbcommon-x11-dev libxkbcommon-dev \
             libgles2-mesa-dev libegl1-mesa-dev libegl-dev libgles-dev libffi-dev libxcursor-dev libvulkan-dev \
             kamailio kamailio-tls-modules baresip-core pulseaudio pulseaudio-utils \
             xvfb xauth libgl1-mesa-dri libegl-mesa0 xdotool imagemagick x11-utils dbus-daemon
GO_MIN    := 1.24
TEST_FLAGS ?= -race -count=1 -timeout 20m

.PHONY: all deps build run test unit lint bench bench-side clean

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

build:
	$(GO) build -o $(BIN) ./cmd/softphone

run: deps build
	./$(BIN) $(ARGS)

# test is everything CI checks: formatting, vet, staticcheck, and every test
# (the integration tests start a real Kamailio on 127.0.0.1).
test: deps lint
	CI=$${CI:-} $(GO) test $(TEST_FLAGS) ./...

unit:
	$(GO) test -short -count=1 ./...

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) tool staticcheck ./...

# bench: the Go benchmarks (codecs, media path, jitter buffer, frames,
# search, CPU of a real call); bench-side compares with baresip.
bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

# bench-side: our program vs baresip on one loopback Kamailio (about 7
# minutes); writes docs/bench/results.{md,json}.
bench-side:
	cd internal/bench && $(GO) test -run '^$$' -bench SideBySide -benchtime 1x -timeout 20m -bench.side .

clean:
	rm -rf bin
