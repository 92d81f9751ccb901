# Build and install revq as a systemd service (see README.md, "Operating revq as a service").
#
#   make                      release build (Swift runtime linked statically)
#   sudo make install         binary, man pages, completions, units, tmpfiles/sysusers, config, docs
#   make install DESTDIR=/tmp/stage PREFIX=/usr   staged install for a package
#   make install REVQ_BIN=path/to/revq            install that binary; build nothing
#   make man                  regenerate docs/man/ from the command tree (after changing a command)
#
# The config goes to $(SYSCONFDIR)/revq/revq.yaml only when no file is there, so an upgrade
# never overwrites an operator's config. After a real install (no DESTDIR), run
#   systemd-sysusers && systemd-tmpfiles --create && systemctl daemon-reload
# or `make setup`, which does exactly that.

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
DOCDIR ?= $(PREFIX)/share/doc/revq
MANDIR ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR ?= $(PREFIX)/share/zsh/site-functions
FISHCOMPDIR ?= $(PREFIX)/share/fish/vendor_completions.d
SYSCONFDIR ?= /etc
UNITDIR ?= $(PREFIX)/lib/systemd/system
TMPFILESDIR ?= $(PREFIX)/lib/tmpfiles.d
SYSUSERSDIR ?= $(PREFIX)/lib/sysusers.d
DESTDIR ?=
SWIFT ?= swift
# Extra flags for swift build, e.g. SWIFT_BUILD_FLAGS=--scratch-path=/tmp/revq-build
SWIFT_BUILD_FLAGS ?=
INSTALL ?= install
# A revq binary to install as it is (a CI artifact, a build made elsewhere); empty: build one.
REVQ_BIN ?=
# The docs README.md links, installed with the same layout so that its links resolve.
DOCS = README.md spool/README.md systemd/README.md docs/fuzzing.md docs/status-page.png
UNITS = revq-worker.service revq-worker@.service revq-purge.service revq-purge.timer

# Paths the shipped units and config name, rewritten to the ones chosen above.
SUBSTITUTE = sed -e 's|/usr/local/bin/revq|$(BINDIR)/revq|g' \
	-e 's|/usr/local/share/doc/revq|$(DOCDIR)|g' \
	-e 's|/etc/revq/|$(SYSCONFDIR)/revq/|g'

# The service layout: the KB under the revq user's home, the spool and the store where the
# tmpfiles rule makes them. Applied to the config installed for the first time.
SERVICE_CONFIG = sed -e 's|^\# kb_root: /srv/kb$$|kb_root: /var/lib/revq/kb|' \
	-e 's|^\# store: /var/lib/revq/review-store.sqlite$$|store: /var/lib/revq/store/review-store.sqlite|' \
	-e 's|^\# spool: /var/spool/revq$$|spool: /var/spool/revq|'

.PHONY: all build install install-bin install-data man setup uninstall

all: build

# --disable-local-rpath: no $ORIGIN run path, so the loader does not look for every shared
# library in the directory of the installed binary first.
build:
	$(SWIFT) build -c release --static-swift-stdlib --disable-local-rpath $(SWIFT_BUILD_FLAGS)

install: install-bin install-data

# The binary, then the shell completions it generates for itself (so they match it exactly).
install-bin: $(if $(REVQ_BIN),,build)
	$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR) $(DESTDIR)$(FISHCOMPDIR)
	$(INSTALL) -m 0755 "$(or $(REVQ_BIN),$$($(SWIFT) build -c release --static-swift-stdlib --disable-local-rpath $(SWIFT_BUILD_FLAGS) --show-bin-path)/revq)" \
		$(DESTDIR)$(BINDIR)/revq
	$(DESTDIR)$(BINDIR)/revq --generate-completion-script bash > $(DESTDIR)$(BASHCOMPDIR)/revq
	$(DESTDIR)$(BINDIR)/revq --generate-completion-script zsh > $(DESTDIR)$(ZSHCOMPDIR)/_revq
	$(DESTDIR)$(BINDIR)/revq --generate-completion-script fish > $(DESTDIR)$(FISHCOMPDIR)/revq.fish
	chmod 0644 $(DESTDIR)$(BASHCOMPDIR)/revq $(DESTDIR)$(ZSHCOMPDIR)/_revq $(DESTDIR)$(FISHCOMPDIR)/revq.fish

install-data:
	$(INSTALL) -d $(DESTDIR)$(UNITDIR) $(DESTDIR)$(TMPFILESDIR) $(DESTDIR)$(SYSUSERSDIR) $(DESTDIR)$(MANDIR)/man1
	for unit in $(UNITS); do \
		$(SUBSTITUTE) systemd/$$unit > $(DESTDIR)$(UNITDIR)/$$unit && chmod 0644 $(DESTDIR)$(UNITDIR)/$$unit || exit 1; \
	done
	$(INSTALL) -m 0644 systemd/revq.tmpfiles.conf $(DESTDIR)$(TMPFILESDIR)/revq.conf
	$(INSTALL) -m 0644 systemd/revq.sysusers.conf $(DESTDIR)$(SYSUSERSDIR)/revq.conf
	$(INSTALL) -m 0644 docs/man/*.1 $(DESTDIR)$(MANDIR)/man1/
	for doc in $(DOCS) config/revq.yaml; do \
		$(INSTALL) -D -m 0644 $$doc $(DESTDIR)$(DOCDIR)/$$doc || exit 1; \
	done
	$(INSTALL) -d -m 0755 $(DESTDIR)$(SYSCONFDIR)/revq
	if [ -e $(DESTDIR)$(SYSCONFDIR)/revq/revq.yaml ]; then \
		echo "keeping $(DESTDIR)$(SYSCONFDIR)/revq/revq.yaml; the shipped one is in $(DESTDIR)$(DOCDIR)/revq.yaml.example"; \
	else \
		$(SERVICE_CONFIG) config/revq.yaml > $(DESTDIR)$(SYSCONFDIR)/revq/revq.yaml; \
		chmod 0644 $(DESTDIR)$(SYSCONFDIR)/revq/revq.yaml; \
	fi
	$(SERVICE_CONFIG) config/revq.yaml > $(DESTDIR)$(DOCDIR)/revq.yaml.example
	chmod 0644 $(DESTDIR)$(DOCDIR)/revq.yaml.example

# One page per command (`man revq`, `man revq.spool.ls`), from swift-argument-parser's plugin.
# Its release build takes a few minutes; the pages are committed so that install needs none.
man:
	rm -rf docs/man && mkdir -p docs/man
	$(SWIFT) package --allow-writing-to-directory docs/man generate-manual --multi-page --output-directory docs/man

# Creates the user, the spool and the state directories, and makes systemd read the units.
setup:
	systemd-sysusers $(SYSUSERSDIR)/revq.conf
	systemd-tmpfiles --create $(TMPFILESDIR)/revq.conf
	systemctl daemon-reload

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/revq $(addprefix $(DESTDIR)$(UNITDIR)/,$(UNITS)) $(DESTDIR)$(MANDIR)/man1/revq.*1
	rm -f $(DESTDIR)$(BASHCOMPDIR)/revq $(DESTDIR)$(ZSHCOMPDIR)/_revq $(DESTDIR)$(FISHCOMPDIR)/revq.fish
	rm -f $(DESTDIR)$(TMPFILESDIR)/revq.conf $(DESTDIR)$(SYSUSERSDIR)/revq.conf
	rm -rf $(DESTDIR)$(DOCDIR)
	@echo "kept $(SYSCONFDIR)/revq, /var/spool/revq and /var/lib/revq"
