# Cipherleaf — the two commands anyone types are `make run` and `make test`.
# Both install what they need on a fresh Debian machine (see `setup`).

SHELL := /bin/bash
export PATH := $(PATH):/usr/local/go/bin:$(HOME)/go/bin
GO ?= go
MODULES := shared server client
BIN := $(CURDIR)/bin
RUNDIR := $(CURDIR)/.run
ADDR ?= 127.0.0.1:8443

# Debian packages of ../shared/ENVIRONMENT.md: cgo (sqlite, GL), X headers for
# Fyne, Xvfb for screenshots, xz for `fyne package`.
DEB_PACKAGES := ca-certificates gcc libc6-dev pkg-config \
  libgl1-mesa-dev libxcursor-dev libxrandr-dev libxinerama-dev libxi-dev libxxf86vm-dev \
  xvfb xauth xz-utils

.PHONY: all setup build test test-short lint vet fmt-check bench run stop-server package screenshots clean

all: build

## setup: install missing Debian packages (apt-get as root), else print what to install
setup:
	@if ! command -v dpkg >/dev/null; then \
	  echo "setup: not a Debian system, nothing checked. Needed: Go 1.26, a C compiler (cgo), pkg-config,"; \
	  echo "  OpenGL and X11 development headers on Linux (see https://docs.fyne.io/started/), Xvfb for screenshots."; \
	  exit 0; fi; \
	missing=""; for p in $(DEB_PACKAGES); do \
	  dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -z "$$missing" ]; then echo "setup: all system packages present"; exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "setup: installing$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	else \
	  echo "setup: please install:$$missing"; \
	  echo "  e.g. sudo apt-get install$$missing (Debian/Ubuntu)"; exit 1; \
	fi
	@command -v $(GO) >/dev/null || { echo "setup: Go 1.26 is required (https://go.dev/dl)"; exit 1; }

## build: the three binaries into bin/
build: setup
	@mkdir -p $(BIN)
	cd server && $(GO) build -o $(BIN)/cipherleafd ./cmd/cipherleafd
	cd client && $(GO) build -o $(BIN)/cipherleaf-cli ./cmd/cipherleaf-cli
	cd client && $(GO) build -o $(BIN)/cipherleaf ./cmd/cipherleaf

## lint: go vet + gofmt (+ staticcheck when installed)
lint: vet fmt-check
	@if command -v staticcheck >/dev/null; then for m in $(MODULES); do (cd $$m && staticcheck ./...) || exit 1; done; \
	else echo "lint: staticcheck not installed, skipped (go install honnef.co/go/tools/cmd/staticcheck@latest)"; fi

vet:
	@for m in $(MODULES); do echo "vet $$m"; (cd $$m && $(GO) vet ./...) || exit 1; done

fmt-check:
	@out=$$(gofmt -l $(MODULES)); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

## test: vet, gofmt, unit tests (race detector on), fuzz seeds, end-to-end (real cipherleafd over TLS), GUI tests (fyne test driver)
test: setup lint
	@for m in $(MODULES); do echo "== test $$m"; (cd $$m && GOWORK=off $(GO) test -race -count=1 -timeout 15m ./...) || exit 1; done

## bench: benchmarks of crypto, search, merge, client core and the server load generator
bench: setup build
	cd shared && $(GO) test -run '^$$' -bench . -benchmem ./...
	cd client && $(GO) test -run '^$$' -bench . -benchmem -timeout 30m ./...
	cd server && $(GO) test -run '^$$' -bench . -benchmem ./...
	cd server && $(GO) run ./cmd/cipherleaf-load --server $(BIN)/cipherleafd
	cd server && $(GO) run ./cmd/cipherleaf-load --server $(BIN)/cipherleafd --hostile

## run: build, start a local cipherleafd (data in .run/, git-ignored) and open the app pointed at it
run: build
	@mkdir -p $(RUNDIR)
	@if ! (echo > /dev/tcp/$(subst :,/,$(ADDR))) 2>/dev/null; then \
	  echo "starting cipherleafd on $(ADDR) (data: $(RUNDIR)/server, log: $(RUNDIR)/server.log)"; \
	  nohup $(BIN)/cipherleafd serve --data $(RUNDIR)/server --addr $(ADDR) >$(RUNDIR)/server.log 2>&1 & \
	  echo $$! > $(RUNDIR)/server.pid; \
	  for i in $$(seq 50); do (echo > /dev/tcp/$(subst :,/,$(ADDR))) 2>/dev/null && break; sleep 0.1; done; \
	fi
	@fp=$$($(BIN)/cipherleafd fingerprint --data $(RUNDIR)/server); \
	case "$${LANG:-C}" in C|C.*|POSIX) export LANG=en_US.UTF-8;; esac; \
	echo "server https://$(ADDR) $$fp"; \
	if [ -z "$$DISPLAY$$WAYLAND_DISPLAY" ]; then \
	  echo "no display: running the app under Xvfb"; \
	  xvfb-run -a -s "-screen 0 1280x800x24" $(BIN)/cipherleaf --profile $(RUNDIR)/profile --server https://$(ADDR) --pin "$${fp#fingerprint: }"; \
	else \
	  $(BIN)/cipherleaf --profile $(RUNDIR)/profile --server https://$(ADDR) --pin "$${fp#fingerprint: }"; \
	fi

## stop-server: stop the server `make run` started
stop-server:
	@if [ -f $(RUNDIR)/server.pid ]; then kill $$(cat $(RUNDIR)/server.pid) 2>/dev/null || true; rm -f $(RUNDIR)/server.pid; fi

## package: Linux bundle of the desktop app with `fyne package`
package: setup
	@command -v fyne >/dev/null || $(GO) install fyne.io/tools/cmd/fyne@v1.7.4
	@# fyne bumps Build in FyneApp.toml on every run; keep the committed file as it is.
	cd client/cmd/cipherleaf && cp FyneApp.toml FyneApp.toml.keep && \
	  { fyne package --os linux --release; rc=$$?; mv FyneApp.toml.keep FyneApp.toml; exit $$rc; }
	@mkdir -p $(BIN) && mv client/cmd/cipherleaf/*.tar.xz $(BIN)/ && ls -l $(BIN)/*.tar.xz

## screenshots: run the real app under Xvfb against a local server, PNGs into assets/screenshots/
screenshots: build
	bash client/scripts/screenshots.sh $(BIN) $(CURDIR)/assets/screenshots

clean:
	rm -rf $(BIN) $(RUNDIR)
