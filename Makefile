# Cipherleaf — the two commands anyone types are `make run` and `make test`.
# Both install what they need on a fresh Debian machine (see `setup`).

SHELL := /bin/bash
export PATH := $(PATH):/usr/local/go/bin:$(HOME)/go/bin
GO ?= go
MODULES := shared server client
BIN := $(CURDIR)/bin
RUNDIR := $(CURDIR)/.run
ADDR ?= 127.0.0.1:8443

# Debian/Ubuntu packages `make setup` installs (checked on a bare Debian 12):
#   ca-certificates     the Go module proxy over HTTPS
#   gcc libc6-dev       cgo: mattn/go-sqlite3 and go-gl. Without a C compiler Go
#                       turns cgo off silently and the app fails to build with
#                       "go-gl/gl/v2.1/gl: build constraints exclude all Go files"
#   pkg-config          go-gl asks `pkg-config gl` for its flags
#   libgl1-mesa-dev libxcursor-dev libxrandr-dev libxinerama-dev libxi-dev
#   libxxf86vm-dev      OpenGL and X11 headers that Fyne's GLFW driver compiles against
#   xvfb xauth          a virtual screen for `make run` without a display and for
#                       screenshots (xvfb-run needs xauth)
#   xclip               internal/imageclip's tests: an image copied in pieces (X11 INCR)
#   xz-utils            `fyne package` writes a .tar.xz
#   postgresql          the server's PostgreSQL store: its tests start their own
#                       throw-away cluster (initdb + postgres on a Unix socket, as the
#                       package's "postgres" user when run as root; server/store/postgres/pgtest)
# Other systems (Fedora, Arch, macOS, Windows): see "Prerequisites" in README.md.
DEB_PACKAGES := ca-certificates gcc libc6-dev pkg-config \
  libgl1-mesa-dev libxcursor-dev libxrandr-dev libxinerama-dev libxi-dev libxxf86vm-dev \
  xvfb xauth xdotool xclip xz-utils \
  gnome-keyring dbus-x11 \
  postgresql

.PHONY: weed all setup setup-windows fyne-tool windows-cli warm-windows windows-server package-windows test-windows screenshot-windows package-macos build test test-short lint vet vet-cross fmt-check bench run check-run stop-server package screenshots clean

all: build

## setup: install missing Debian packages (apt-get as root), else print what to install
setup:
	@$(call apt_install,setup,$(DEB_PACKAGES))
	@command -v $(GO) >/dev/null || { echo "setup: Go 1.26 is required (https://go.dev/dl)"; exit 1; }

# apt_install,WHO,PACKAGES: install the missing PACKAGES as root on Debian,
# else print the line to run.
define apt_install
if ! command -v dpkg >/dev/null; then \
	  echo "$(1): not a Debian system, nothing checked. Needed: Go 1.26, a C compiler (cgo), pkg-config,"; \
	  echo "  OpenGL and X11 development headers on Linux (README.md, Prerequisites), Xvfb for screenshots."; \
	  exit 0; fi; \
	missing=""; for p in $(2); do \
	  dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -z "$$missing" ]; then echo "$(1): all system packages present"; exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "$(1): installing$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	else \
	  echo "$(1): please install:$$missing"; \
	  echo "  e.g. sudo apt-get install$$missing (Debian/Ubuntu)"; exit 1; \
	fi
endef

## build: the three binaries into bin/
build: setup
	@mkdir -p $(BIN)
	cd server && $(GO) build -o $(BIN)/cipherleafd ./cmd/cipherleafd
	cd client && $(GO) build -o $(BIN)/cipherleaf-cli ./cmd/cipherleaf-cli
	cd client && $(GO) build -o $(BIN)/cipherleaf ./cmd/cipherleaf
	cd client && $(GO) build -o $(BIN)/healthz ./scripts/healthz

## lint: go vet (for Linux, and for Windows and macOS), gofmt (+ staticcheck when installed)
lint: vet vet-cross fmt-check
	@if command -v staticcheck >/dev/null; then for m in $(MODULES); do (cd $$m && staticcheck ./...) || exit 1; done; \
	else echo "lint: staticcheck not installed, skipped (go install honnef.co/go/tools/cmd/staticcheck@latest)"; fi

vet:
	@for m in $(MODULES); do echo "vet $$m"; (cd $$m && $(GO) vet ./...) || exit 1; done

# vet-cross: `go vet` with GOOS=windows and GOOS=darwin over every package
# that builds without cgo, test files included. It is also the build-tag
# audit: a Linux-only syscall (Pdeathsig, Kill, /proc) outside a file tagged
# for Linux fails to compile here. Skipped, as they need cgo: packages that
# import Fyne's app (OpenGL) or client/vault (go-sqlite3's connection API),
# listed on each run (a package whose tests import one directly counts too).
# `make test-windows` vets those for Windows with cgo (mingw), all but the
# app's main (OpenGL: compiled by `make package-windows`). -trimpath, as in
# every Windows build here, so they share this run's compiled packages.
# On macOS every Fyne widget needs cgo too (fyne's internal/widget has a
# cgo file for darwin), so there the skip list also names that package.
CGO_ONLY := fyne.io/fyne/v2/app cipherleaf.dev/client/vault
CGO_ONLY_darwin := $(CGO_ONLY) fyne.io/fyne/v2/internal/widget
vet-cross:
	@for os in windows darwin; do for m in $(MODULES); do \
	  list=$$(cd $$m && GOOS=$$os GOARCH=amd64 CGO_ENABLED=0 $(GO) list -e \
	    -f '{{.ImportPath}} {{.ImportPath}} {{join .Deps " "}} {{join .TestImports " "}} {{join .XTestImports " "}}' ./...) || exit 1; \
	  pkgs=""; skip=""; while read -r p deps; do \
	    if [ $$os = darwin ]; then case " $$deps " in \
	      $(foreach c,$(CGO_ONLY_darwin),*" $(c) "*|) "") skip="$$skip $${p#cipherleaf.dev/}";; *) pkgs="$$pkgs $$p";; esac; \
	    else case " $$deps " in \
	      $(foreach c,$(CGO_ONLY),*" $(c) "*|) "") skip="$$skip $${p#cipherleaf.dev/}";; *) pkgs="$$pkgs $$p";; esac; fi; \
	  done <<< "$$list"; \
	  echo "vet GOOS=$$os $$m$${skip:+ (needs cgo, skipped:$$skip)}"; \
	  (cd $$m && GOOS=$$os GOARCH=amd64 CGO_ENABLED=0 $(GO) vet -trimpath $$pkgs) || exit 1; done; done

fmt-check:
	@out=$$(gofmt -l $(MODULES)); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	@for m in $(MODULES); do (cd $$m && $(GO) mod tidy -diff >/dev/null) || { echo "go.mod of $$m is not tidy: run 'cd $$m && go mod tidy'"; exit 1; }; done

## test: vet, gofmt, unit tests (race detector on), fuzz seeds, end-to-end (real cipherleafd over TLS), GUI tests (fyne test driver)
# cipherleafd is built once for the run and handed to every test package as
# $$CIPHERLEAFD_BIN. The tests run with TMPDIR set to a fresh folder; the run
# fails if anything is left in it, or if the repository's `git status`
# (ignored files included) differs from before. The folder is removed anyway.
# SeaweedFS (`make weed`, only the server's S3 tests need it) builds in the
# background at the lowest CPU priority from the start (in its own process
# group, to be stopped whole; not in its own session, which Linux would
# schedule as a peer of this one), so on a cold machine its long build uses
# the CPU that lint and the shared and client tests leave idle. The server
# module is tested last, once it is there (its priority is raised again for
# the wait, where allowed).
TEST_MODULES := shared client server
test: setup
	@run=$$(mktemp -d "$${TMPDIR:-/tmp}/cipherleaf-test.XXXXXX") || exit 1; \
	weed=""; trap '[ -n "$$weed" ] && kill -- -$$weed 2>/dev/null; rm -rf "$$run"' EXIT; mkdir "$$run/tmp" "$$run/bin"; \
	set -m; nice -n 19 $(MAKE) --no-print-directory weed >"$$run/weed.log" 2>&1 & weed=$$!; set +m; \
	$(MAKE) --no-print-directory lint || exit 1; \
	before=$$(git status --porcelain --ignored 2>/dev/null); \
	echo "== build cipherleafd once for this run"; \
	(cd server && GOWORK=off $(GO) build -o "$$run/bin/cipherleafd" ./cmd/cipherleafd) || exit 1; \
	rc=0; for m in $(TEST_MODULES); do \
	  if [ $$m = server ]; then \
	    renice -n 0 -g $$weed >/dev/null 2>&1; wait $$weed; wrc=$$?; weed=""; cat "$$run/weed.log"; [ $$wrc = 0 ] || { echo "test: make weed failed"; exit 1; }; fi; \
	  echo "== test $$m"; \
	  (cd $$m && TMPDIR="$$run/tmp" CIPHERLEAFD_BIN="$$run/bin/cipherleafd" GOWORK=off \
	    $(GO) test -race -count=1 -timeout 15m ./...) || { rc=1; break; }; done; \
	if [ $$rc = 0 ]; then echo "== test OS keyring (a real Secret Service: gnome-keyring-daemon under dbus-run-session)"; \
	  mkdir "$$run/keyring"; \
	  (cd client && XDG_DATA_HOME="$$run/keyring" TMPDIR="$$run/tmp" CIPHERLEAFD_BIN="$$run/bin/cipherleafd" GOWORK=off \
	    dbus-run-session -- sh -c 'printf test | gnome-keyring-daemon --unlock --components=secrets >/dev/null && \
	    CIPHERLEAF_TEST_SECRET_SERVICE=1 $(GO) test -race -count=1 -run SecretService ./internal/secretservice/') || rc=1; fi; \
	left=$$(cd "$$run/tmp" && find . -mindepth 1 -maxdepth 2 | head -20); \
	if [ -n "$$left" ]; then echo "test: FAIL: the tests left files in their temp dir:"; echo "$$left"; rc=1; fi; \
	if git rev-parse --git-dir >/dev/null 2>&1; then \
	  after=$$(git status --porcelain --ignored); \
	  if [ "$$before" != "$$after" ]; then echo "test: FAIL: the tests changed the repository (git status):"; \
	    diff <(echo "$$before") <(echo "$$after"); rc=1; fi; \
	else echo "test: not a git checkout, repository check skipped"; fi; \
	[ $$rc = 0 ] && echo "test: ok, nothing left behind"; exit $$rc

## bench: benchmarks of crypto, search, merge, client core and the server load generator
bench: setup build
	cd shared && $(GO) test -run '^$$' -bench . -benchmem ./...
	cd client && $(GO) test -run '^$$' -bench . -benchmem -timeout 30m ./...
	cd server && $(GO) test -run '^$$' -bench . -benchmem ./...
	cd server && $(GO) run ./cmd/cipherleaf-load --server $(BIN)/cipherleafd
	cd server && $(GO) run ./cmd/cipherleaf-load --server $(BIN)/cipherleafd --hostile
	cd server && $(GO) run ./cmd/cipherleaf-load --server $(BIN)/cipherleafd --postgres
	cd server && $(GO) run ./cmd/cipherleaf-load --server $(BIN)/cipherleafd --postgres --replicas 2

## run: build, start a local cipherleafd (data in .run/, git-ignored) and open the app pointed at it
# Without a display the app runs on a virtual screen (Xvfb); client/scripts/run.sh
# prints how to see it and how to stop it.
run: build
	@cd client && $(GO) build -o $(BIN)/healthz ./scripts/healthz
	@bash client/scripts/run.sh $(BIN) $(RUNDIR) $(ADDR)

## check-run: what a newcomer sees from a headless `make run` on a first start,
# checked: the no-display hint, no error or warning from the app's start and
# quit, no TLS handshake error in the server's log (client/scripts/check-run.sh)
check-run: build
	@bash client/scripts/check-run.sh $(BIN)

## stop-server: stop the server `make run` started
stop-server:
	@if [ -f $(RUNDIR)/server.pid ]; then kill $$(cat $(RUNDIR)/server.pid) 2>/dev/null && echo "cipherleafd stopped"; \
	  rm -f $(RUNDIR)/server.pid; else echo "no server started by make run"; fi

# weed: SeaweedFS, the real S3-compatible server the server's tests start
# (server/blob/s3blob/s3test) to test the S3 blob store against. `go install
# m@v` refuses its module (its go.mod has replace directives), so it is built
# inside the downloaded module into $(go env GOPATH)/bin, once: the first
# build is long (1,739 packages: a whole object store), later runs find it
# there. It is a test fixture, so it is built without optimizations (-N -l)
# or symbols, which compile faster: 555 s on the 2 cores here while other
# work ran (load average 6); the S3 tests pass against it.
WEED_VERSION := v0.0.0-20261109003541-7506e5f91cd6
weed:
	@command -v weed >/dev/null || [ -x "$$($(GO) env GOPATH)/bin/weed" ] || { \
	  echo "weed: building SeaweedFS $(WEED_VERSION) for the S3 tests (once)"; \
	  $(GO) mod download github.com/seaweedfs/seaweedfs@$(WEED_VERSION) && \
	  cd "$$($(GO) env GOMODCACHE)/github.com/seaweedfs/seaweedfs@$(WEED_VERSION)" && \
	  GOWORK=off $(GO) build -ldflags="-s -w" -gcflags=all="-N -l" -o "$$($(GO) env GOPATH)/bin/weed" ./weed; }

# fyne-tool: the `fyne` packaging command (its own module: installed, never
# added to the app's go.mod)
fyne-tool:
	@command -v fyne >/dev/null || $(GO) install fyne.io/tools/cmd/fyne@v1.7.4

## package: Linux bundle of the desktop app with `fyne package` (the .tar.xz holds
## the binary, icon, dev.cipherleaf.app.desktop and a Makefile: `sudo make install` in it)
package: setup fyne-tool
	@# fyne bumps Build in FyneApp.toml on every run; keep the committed file as it is.
	cd client/cmd/cipherleaf && cp FyneApp.toml FyneApp.toml.keep && \
	  { fyne package --os linux --release; rc=$$?; mv FyneApp.toml.keep FyneApp.toml; exit $$rc; }
	@mkdir -p $(BIN) && mv client/cmd/cipherleaf/*.tar.xz $(BIN)/ && ls -l $(BIN)/*.tar.xz
	@tar -tJf $(BIN)/Cipherleaf.tar.xz | grep -q 'share/applications/.*\.desktop$$' || { echo "package: no .desktop file in the bundle"; exit 1; }

# Windows, cross-built and tested on Debian (make package-windows, make test-windows):
#   gcc-mingw-w64-x86-64-win32  cgo for windows/amd64: go-gl (the app) and go-sqlite3 (all three)
#   osslsigncode          Authenticode signing and verifying
#   wine64                runs the .exe files in make test-windows (Wine 8)
# (only the win32-threads variant of Debian's mingw gcc: it is the default
# x86_64-w64-mingw32-gcc, and the posix one would add 44 MB to download)
WIN_DEB_PACKAGES := gcc-mingw-w64-x86-64-win32 osslsigncode wine64
#   fonts-wine            Wine's Marlett and Tahoma, for the window frame in make screenshot-windows
WIN_GUI_DEB_PACKAGES := fonts-wine
WIN := $(BIN)/windows
WIN_ENV := GOOS=windows GOARCH=amd64 CGO_ENABLED=1 CC=x86_64-w64-mingw32-gcc

setup-windows: setup
	@$(call apt_install,setup-windows,$(WIN_DEB_PACKAGES))

## package-windows: Cipherleaf.exe (fyne package: icon, version info), cipherleaf-cli.exe and
## cipherleafd.exe into bin/windows/; Authenticode-signed when CIPHERLEAF_SIGN_CERT and
## CIPHERLEAF_SIGN_KEY name a PEM certificate and key (README: Windows and macOS)
package-windows: windows-cli windows-server fyne-tool
	cd client/cmd/cipherleaf && cp FyneApp.toml FyneApp.toml.keep && \
	  { $(WIN_ENV) fyne package --os windows --release; rc=$$?; mv FyneApp.toml.keep FyneApp.toml; exit $$rc; }
	mv client/cmd/cipherleaf/Cipherleaf.exe $(WIN)/
	@if [ -n "$$CIPHERLEAF_SIGN_CERT" ]; then \
	  bash client/scripts/sign-windows.sh "$$CIPHERLEAF_SIGN_CERT" "$$CIPHERLEAF_SIGN_KEY" $(WIN)/*.exe; \
	else echo "package-windows: not signed by this run (set CIPHERLEAF_SIGN_CERT and CIPHERLEAF_SIGN_KEY to sign)"; fi
	@ls -l $(WIN)

# windows-cli: cipherleaf-cli.exe, all that test-windows runs under Wine
windows-cli: setup-windows
	@mkdir -p $(WIN)
	cd client && $(WIN_ENV) $(GO) build -trimpath -o $(WIN)/cipherleaf-cli.exe ./cmd/cipherleaf-cli

# warm-windows: compiles what make test-windows compiles cold (go-sqlite3's C
# for Windows above all) into the Go build cache only, writing nothing here:
# .ci/run runs it at the lowest CPU priority beside make test
warm-windows: setup-windows
	@cd client && $(WIN_ENV) $(GO) build -trimpath -o /dev/null ./cmd/cipherleaf-cli

windows-server: setup-windows
	@mkdir -p $(WIN)
	cd server && $(WIN_ENV) $(GO) build -trimpath -o $(WIN)/cipherleafd.exe ./cmd/cipherleafd

## test-windows: the Windows build tested on Linux (run by .ci/run after make test):
## go vet for Windows with cgo over every package but the app's main, then
## client/scripts/test-windows.sh on cipherleaf-cli.exe: Authenticode signing and
## verifying, and the cross-OS CLI sync under Wine against the Linux cipherleafd
# The Wine prefix, server and profiles live in one temporary folder. The cold
# cost is mostly go-sqlite3's C for Windows and Wine's first start: every pure
# Go package for Windows is already compiled by make lint's vet-cross.
test-windows: windows-cli build
	@for m in $(MODULES); do \
	  pkgs=$$(cd $$m && $(WIN_ENV) $(GO) list -e -f '{{.ImportPath}} {{join .Deps " "}} {{join .TestImports " "}} {{join .XTestImports " "}}' ./... | \
	    awk '!/ fyne\.io\/fyne\/v2\/app( |$$)/ {print $$1}'); \
	  echo "vet GOOS=windows (cgo) $$m"; (cd $$m && $(WIN_ENV) $(GO) vet -trimpath $$pkgs) || exit 1; done
	bash client/scripts/test-windows.sh $(BIN) $(WIN)

## screenshot-windows: Cipherleaf.exe under Wine + Xvfb into assets/screenshots/windows.png
screenshot-windows: package-windows
	@$(call apt_install,screenshot-windows,$(WIN_GUI_DEB_PACKAGES))
	bash client/scripts/screenshot-windows.sh $(WIN) $(CURDIR)/assets/screenshots/windows.png

## package-macos: on a Mac only (needs Xcode's SDK): Cipherleaf.app, universal
## (arm64 + amd64), plus the CLI and server binaries; signing and notarisation in
## README (Windows and macOS)
package-macos: fyne-tool
	@[ "$$(uname -s)" = Darwin ] || { echo "package-macos: run this on a Mac (the macOS SDK is not available elsewhere)"; exit 1; }
	@mkdir -p $(BIN)/macos
	for arch in arm64 amd64; do \
	  (cd client && CGO_ENABLED=1 GOOS=darwin GOARCH=$$arch $(GO) build -trimpath -o $(BIN)/macos/cipherleaf-cli-$$arch ./cmd/cipherleaf-cli) && \
	  (cd server && CGO_ENABLED=1 GOOS=darwin GOARCH=$$arch $(GO) build -trimpath -o $(BIN)/macos/cipherleafd-$$arch ./cmd/cipherleafd) || exit 1; \
	  (cd client/cmd/cipherleaf && cp FyneApp.toml FyneApp.toml.keep && \
	    { GOARCH=$$arch fyne package --os darwin --release; rc=$$?; mv FyneApp.toml.keep FyneApp.toml; exit $$rc; }) || exit 1; \
	  rm -rf $(BIN)/macos/Cipherleaf-$$arch.app; mv client/cmd/cipherleaf/Cipherleaf.app $(BIN)/macos/Cipherleaf-$$arch.app; done
	lipo -create -output $(BIN)/macos/cipherleaf-cli $(BIN)/macos/cipherleaf-cli-arm64 $(BIN)/macos/cipherleaf-cli-amd64
	lipo -create -output $(BIN)/macos/cipherleafd $(BIN)/macos/cipherleafd-arm64 $(BIN)/macos/cipherleafd-amd64
	rm -rf $(BIN)/macos/Cipherleaf.app && cp -R $(BIN)/macos/Cipherleaf-arm64.app $(BIN)/macos/Cipherleaf.app
	lipo -create -output $(BIN)/macos/Cipherleaf.app/Contents/MacOS/cipherleaf \
	  $(BIN)/macos/Cipherleaf-arm64.app/Contents/MacOS/cipherleaf $(BIN)/macos/Cipherleaf-amd64.app/Contents/MacOS/cipherleaf
	rm -rf $(BIN)/macos/*-arm64* $(BIN)/macos/*-amd64*
	@if [ -n "$$CIPHERLEAF_MACOS_IDENTITY" ]; then \
	  codesign --force --deep --options runtime --timestamp --sign "$$CIPHERLEAF_MACOS_IDENTITY" \
	    $(BIN)/macos/Cipherleaf.app $(BIN)/macos/cipherleaf-cli $(BIN)/macos/cipherleafd; \
	else echo "package-macos: not signed (set CIPHERLEAF_MACOS_IDENTITY; notarise as README says)"; fi
	@ls -l $(BIN)/macos

## screenshots: run the real app under Xvfb against a local server, PNGs into assets/screenshots/
screenshots: build
	bash client/scripts/screenshots.sh $(BIN) $(CURDIR)/assets/screenshots

clean:
	rm -rf $(BIN) $(RUNDIR)
